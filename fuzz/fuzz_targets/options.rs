//! Fuzz target `options`: the option-word grammar every front end shares.
//! Arbitrary UTF-8 is split into chat/CLI words (`Options::parse`) and into
//! HTTP query pairs (`Options::parse_pairs`). Whatever parses must round-trip
//! through its canonical words (`to_words`), and those words must be plain
//! ASCII without spaces; whatever fails must fail as an option mistake
//! (`UserError::BadOption`) with a one-line sentence.

#![no_main]

use libfuzzer_sys::fuzz_target;
use pixdrop::{Options, UserError};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Options::parse(text.split_whitespace()) {
        Ok(options) => check_round_trip(&options),
        Err(error) => check_error(&error, true),
    }
    let pairs: Vec<(&str, &str)> = text
        .split('&')
        .map(|pair| pair.split_once('=').unwrap_or((pair, "")))
        .collect();
    match Options::parse_pairs(pairs.iter().copied()) {
        Ok(options) => check_round_trip(&options),
        // A query value may itself hold a line break, which the sentence
        // quotes back; only words split on whitespace are one line for sure.
        Err(error) => check_error(&error, false),
    }
});

fn check_round_trip(options: &Options) {
    let words = options.to_words();
    for word in &words {
        assert!(
            word.is_ascii() && !word.is_empty() && !word.contains(char::is_whitespace),
            "canonical word {word:?} is not plain"
        );
    }
    let again = Options::parse(words.iter().map(String::as_str))
        .unwrap_or_else(|error| panic!("canonical words {words:?} do not parse: {error}"));
    assert_eq!(
        &again, options,
        "canonical words {words:?} mean something else"
    );
}

fn check_error(error: &UserError, one_line: bool) {
    assert!(matches!(error, UserError::BadOption(_)), "{error:?}");
    let sentence = error.to_string();
    assert!(!sentence.is_empty());
    if one_line {
        assert!(!sentence.contains('\n'), "{sentence:?} is not one line");
    }
}
