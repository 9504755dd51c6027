//! Reads a PDF's pages with a real parser (lopdf), for assertions on
//! results. The file must load strictly (no repair of a damaged
//! cross-reference table), every in-use xref entry must point at the object
//! it names, and each page must draw exactly one image XObject, whose
//! `/Width` and `/Height` are returned. Shared by the core's tests
//! (`tests/`, through `#[path]`) and the bots' tests.

use lopdf::xref::XrefEntry;
use lopdf::{Dictionary, Document, LoadOptions, Object};

/// One page: its image's size in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub width: u64,
    pub height: u64,
}

/// The pages of `pdf`, in order, or what is wrong with it.
pub fn pages(pdf: &[u8]) -> Result<Vec<Page>, String> {
    let strict = LoadOptions {
        strict: true,
        ..Default::default()
    };
    let document = Document::load_mem_with_options(pdf, strict)
        .map_err(|e| format!("lopdf cannot load it: {e}"))?;
    if let Some(recovery) = document.xref_recovery {
        return Err(format!("the xref table needed repair: {recovery:?}"));
    }
    check_xref_offsets(pdf, &document)?;
    let tree = page_count(&document)?;
    let pages = document.get_pages();
    if pages.len() != tree {
        return Err(format!("/Count {tree} but {} pages", pages.len()));
    }
    pages
        .values()
        .map(|&id| {
            let page = document
                .get_dictionary(id)
                .map_err(|e| format!("page {id:?}: {e}"))?;
            if page.get_type().ok() != Some(b"Page".as_slice()) {
                return Err(format!("page {id:?} is not a /Page"));
            }
            page_image(&document, page).map_err(|e| format!("page {id:?}: {e}"))
        })
        .collect()
}

/// Every in-use entry of the xref table starts its object: `N G obj`.
fn check_xref_offsets(pdf: &[u8], document: &Document) -> Result<(), String> {
    for (number, entry) in &document.reference_table.entries {
        if let XrefEntry::Normal { offset, generation } = entry {
            let header = format!("{number} {generation} obj");
            let at = pdf.get(*offset as usize..).unwrap_or_default();
            if !at.starts_with(header.as_bytes()) {
                return Err(format!(
                    "the xref offset {offset} of object {number} does not start it"
                ));
            }
        }
    }
    Ok(())
}

/// `/Count` of the page tree the catalog names.
fn page_count(document: &Document) -> Result<usize, String> {
    let catalog = document.catalog().map_err(|e| format!("no catalog: {e}"))?;
    let tree = resolve(document, catalog.get(b"Pages"))?
        .as_dict()
        .map_err(|e| format!("/Pages: {e}"))?;
    let count = resolve(document, tree.get(b"Count"))?
        .as_i64()
        .map_err(|e| format!("/Count: {e}"))?;
    usize::try_from(count).map_err(|_| format!("/Count {count}"))
}

fn page_image(document: &Document, page: &Dictionary) -> Result<Page, String> {
    let resources = resolve(document, page.get(b"Resources"))?
        .as_dict()
        .map_err(|e| format!("/Resources: {e}"))?;
    let xobjects = resolve(document, resources.get(b"XObject"))?
        .as_dict()
        .map_err(|e| format!("/XObject: {e}"))?;
    if xobjects.len() != 1 {
        return Err(format!("{} XObjects, not one image", xobjects.len()));
    }
    let (_, image) = xobjects.iter().next().expect("one entry");
    let image = &resolve(document, Ok(image))?
        .as_stream()
        .map_err(|e| format!("the XObject: {e}"))?
        .dict;
    if image.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Image".as_slice()) {
        return Err("the XObject is not an /Image".into());
    }
    let side = |key: &[u8]| -> Result<u64, String> {
        let value = resolve(document, image.get(key))?
            .as_i64()
            .map_err(|e| format!("{}: {e}", String::from_utf8_lossy(key)))?;
        u64::try_from(value).map_err(|_| format!("a negative side {value}"))
    };
    Ok(Page {
        width: side(b"Width")?,
        height: side(b"Height")?,
    })
}

/// The object itself, following a reference.
fn resolve<'a>(
    document: &'a Document,
    object: lopdf::Result<&'a Object>,
) -> Result<&'a Object, String> {
    let object = object.map_err(|e| e.to_string())?;
    document
        .dereference(object)
        .map(|(_, object)| object)
        .map_err(|e| e.to_string())
}
