// Drives pixdrop's upload page in headless Chromium the way a person would:
// one picked file (progress, countdown, download, "Delete now"), then three
// dropped files (two results, one error, a ZIP), the manifest and its icon,
// keyboard use, remembered choices across a reload, and a paste. Prints one
// JSON line of findings; the Rust test judges them.
// usage: node upload.mjs BASE_URL DIR
// DIR holds photo.png, second.png and notes.txt; page.png is written there.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

const [base, dir] = process.argv.slice(2);
// How long any one step may take: generous, since CI shares two cores
// between Chromium, the server and other test binaries.
const PATIENCE = 30000;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});

// The status, type and first bytes a link answers with, asked from inside the page.
const probe = (page, url, method = "GET") => page.evaluate(async ([url, method]) => {
  const response = await fetch(url, { method });
  const bytes = new Uint8Array(await response.arrayBuffer());
  // A ZIP's entry count sits in its end-of-central-directory record.
  let zipEntries = null;
  for (let i = bytes.length - 22; i >= 0; i--) {
    if (bytes[i] === 0x50 && bytes[i + 1] === 0x4b && bytes[i + 2] === 5 && bytes[i + 3] === 6) {
      zipEntries = bytes[i + 10] | (bytes[i + 11] << 8);
      break;
    }
  }
  return {
    status: response.status,
    type: response.headers.get("content-type"),
    disposition: response.headers.get("content-disposition"),
    magic: String.fromCharCode(...bytes.slice(8, 12)),
    zipEntries,
  };
}, [url, method]);

// Every value an attribute took while `run` ran, oldest first.
const watch = async (page, targets, run) => {
  await page.evaluate((targets) => {
    window.seen = {};
    for (const [id, attribute] of targets) {
      const key = id + "@" + attribute;
      const node = document.getElementById(id);
      window.seen[key] = [node.getAttribute(attribute)];
      new MutationObserver((records) => {
        for (const r of records) window.seen[key].push(r.target.getAttribute(attribute));
      }).observe(node, { attributes: true, attributeFilter: [attribute] });
    }
  }, targets);
  await run();
  return page.evaluate(() => window.seen);
};

try {
  const page = await browser.newPage();
  // Listening before the page loads turns file-chooser interception on in
  // time; `waitForEvent` beside the key press raced it and missed the
  // chooser about half the time.
  const chooserShown = new Promise((resolve) => page.once("filechooser", resolve));
  await page.goto(base + "/");
  const promise = await page.textContent(".promise");

  // Keyboard: the first Tab lands on the drop zone, Enter opens the chooser.
  await page.keyboard.press("Tab");
  const firstFocus = await page.evaluate(() => ({
    id: document.activeElement.id,
    tag: document.activeElement.tagName,
    outline: getComputedStyle(document.activeElement).outlineStyle,
  }));
  await page.keyboard.press("Enter");
  const chooser = await Promise.race([
    chooserShown,
    new Promise((_, reject) => {
      setTimeout(() => reject(new Error("Enter on the drop zone opened no file chooser")), PATIENCE).unref();
    }),
  ]);
  const chooserMultiple = chooser.isMultiple();

  // The manifest and its icon.
  const manifest = await page.evaluate(async () => {
    const href = document.querySelector('link[rel="manifest"]').href;
    const response = await fetch(href);
    const type = response.headers.get("content-type");
    const json = JSON.parse(await response.text());
    const icon = await fetch(new URL(json.icons[0].src, href));
    return {
      type, name: json.name, short_name: json.short_name, start_url: json.start_url,
      display: json.display, icons: json.icons,
      icon: { status: icon.status, type: icon.headers.get("content-type"), svg: (await icon.text()).startsWith("<svg") },
    };
  });

  // One picked file.
  await chooser.setFiles(join(dir, "photo.png"));
  await page.selectOption("#format", "webp");
  const seen = await watch(page, [["form", "data-stage"], ["progress", "value"], ["busy", "hidden"]], async () => {
    await page.click("#convert");
    await page.waitForSelector("#result.shown", { timeout: PATIENCE });
  });
  const countdownStart = await page.textContent("#countdown");
  // The countdown ticks each second; on a loaded machine a tick can come
  // late, so wait for one (the Rust side still judges whether it came).
  await page.waitForFunction(
    (start) => document.getElementById("countdown").textContent !== start,
    countdownStart,
    { timeout: PATIENCE },
  ).catch(() => {});
  const countdownLater = await page.textContent("#countdown");
  const liveAncestors = await page.$eval("#countdown", (node) => {
    const live = [];
    for (let el = node.parentElement; el; el = el.parentElement) {
      const attribute = el.getAttribute("aria-live");
      const role = el.getAttribute("role");
      if ((attribute && attribute !== "off") || ["status", "alert", "log", "marquee"].includes(role)) {
        live.push(el.tagName + "#" + el.id);
      }
    }
    return live;
  });
  await page.waitForFunction(() => document.getElementById("announce").textContent !== "");
  const announced = await page.textContent("#announce");
  const facts = {
    format: await page.textContent("#out-format"),
    size: await page.textContent("#out-size"),
    dims: await page.textContent("#out-dims"),
  };
  const href = await page.getAttribute("#download", "href");
  const download = await probe(page, href);
  const previewLoaded = await page.$eval("#preview", (img) => img.complete && img.naturalWidth > 0);

  // "Delete now" on it.
  await page.click("#delete");
  await page.waitForSelector("#result .deleted:not([hidden])", { timeout: PATIENCE });
  const deleted = {
    after: (await probe(page, href)).status,
    linkLeft: await page.$eval("#download", (a) => a.hasAttribute("href") && !a.hidden),
    focus: await page.evaluate(() => document.activeElement.className),
  };

  // Three dropped files, the middle one no image.
  const files = ["photo.png", "notes.txt", "second.png"].map((name) => ({
    name,
    type: name.endsWith(".png") ? "image/png" : "text/plain",
    b64: readFileSync(join(dir, name)).toString("base64"),
  }));
  const dataTransfer = await page.evaluateHandle((files) => {
    const transfer = new DataTransfer();
    for (const f of files) {
      const bytes = Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0));
      transfer.items.add(new File([bytes], f.name, { type: f.type }));
    }
    return transfer;
  }, files);
  await page.dispatchEvent("#drop", "drop", { dataTransfer });
  const pickedSeveral = await page.textContent("#picked");
  await page.click("#convert");
  await page.waitForSelector("#batch.shown", { timeout: PATIENCE });
  const entries = await page.$$eval("#batch-list li", (items) => items.map((li) => ({
    name: li.querySelector(".name").textContent,
    error: li.querySelector(".failed").hidden ? null : li.querySelector(".failed").textContent,
    format: li.querySelector(".out-format")?.textContent ?? null,
    href: li.querySelector(".download")?.getAttribute("href") ?? null,
  })));
  const zipHref = await page.getAttribute("#zip-download", "href");
  const zip = await probe(page, zipHref);
  await page.screenshot({ path: join(dir, "page.png"), fullPage: true });
  await page.click("#batch-list li:first-child .delete");
  await page.waitForSelector("#batch-list li:first-child .deleted:not([hidden])", { timeout: PATIENCE });
  const entryDeleted = (await probe(page, entries[0].href)).status;
  const otherEntry = (await probe(page, entries[2].href)).status;
  await page.click("#zip-delete");
  await page.waitForSelector("#zip .deleted:not([hidden])", { timeout: PATIENCE });
  const zipDeleted = (await probe(page, zipHref)).status;

  // Remembered choices survive a reload; nothing else carries them.
  await page.selectOption("#format", "png");
  await page.$eval("#quality", (q) => { q.value = "55"; q.dispatchEvent(new Event("change", { bubbles: true })); });
  await page.reload();
  const remembered = {
    format: await page.$eval("#format", (s) => s.value),
    quality: await page.$eval("#quality", (q) => q.value),
    shown: await page.textContent("#quality-value"),
  };

  // A pasted image is picked.
  await page.evaluate((f) => {
    const transfer = new DataTransfer();
    const bytes = Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0));
    transfer.items.add(new File([bytes], "pasted.png", { type: "image/png" }));
    document.body.dispatchEvent(new ClipboardEvent("paste", { clipboardData: transfer, bubbles: true }));
  }, files[0]);
  const pickedPasted = await page.textContent("#picked");

  console.log(JSON.stringify({
    promise, firstFocus, chooserMultiple, manifest, seen, countdownStart, countdownLater, liveAncestors,
    announced, facts, download, previewLoaded, deleted, pickedSeveral, entries, zip, entryDeleted,
    otherEntry, zipDeleted, remembered, pickedPasted,
  }));
} finally {
  await browser.close();
}
