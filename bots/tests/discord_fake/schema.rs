//! What Discord refuses in a command registration or a message's
//! components, with its error codes: a bot that breaks these rules starts
//! in production without its commands, or cannot show its menus.

use serde_json::Value;

/// `(dotted path, error code, message)` for each problem found.
pub type Problems = Vec<(String, &'static str, String)>;

fn length_between(problems: &mut Problems, at: String, text: &Value, min: usize, max: usize) {
    let length = text.as_str().unwrap_or("").chars().count();
    if !(min..=max).contains(&length) {
        let message = format!("Must be between {min} and {max} in length.");
        problems.push((at, "BASE_TYPE_BAD_LENGTH", message));
    }
}

/// Slash command and option names: 1–32 lowercase letters, digits, `-`, `_`.
fn name_ok(name: &Value) -> bool {
    let name = name.as_str().unwrap_or("");
    (1..=32).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| (c.is_alphanumeric() && !c.is_uppercase()) || c == '-' || c == '_')
}

/// A bulk overwrite, as Discord validates it.
pub fn commands(commands: &[Value]) -> Problems {
    let mut problems = Vec::new();
    let mut seen = Vec::new();
    let mut per_kind = [0usize; 4];
    for (i, command) in commands.iter().enumerate() {
        let kind = command["type"].as_u64().unwrap_or(1);
        let name = &command["name"];
        if !(1..=3).contains(&kind) {
            let message = "Value must be one of (1, 2, 3).".into();
            problems.push((format!("{i}.type"), "BASE_TYPE_CHOICES", message));
            continue;
        }
        per_kind[kind as usize] += 1;
        if seen.contains(&(kind, name)) {
            let message = "Application command names must be unique".into();
            problems.push((
                format!("{i}.name"),
                "APPLICATION_COMMANDS_DUPLICATE_NAME",
                message,
            ));
        }
        seen.push((kind, name));
        if kind == 1 {
            if !name_ok(name) {
                let message = "Command name is invalid".into();
                problems.push((
                    format!("{i}.name"),
                    "APPLICATION_COMMAND_INVALID_NAME",
                    message,
                ));
            }
            length_between(
                &mut problems,
                format!("{i}.description"),
                &command["description"],
                1,
                100,
            );
            let options = command["options"].as_array().cloned().unwrap_or_default();
            self::options(&options, &format!("{i}.options"), &mut problems);
            continue;
        }
        length_between(&mut problems, format!("{i}.name"), name, 1, 32);
        if command["description"]
            .as_str()
            .is_some_and(|d| !d.is_empty())
        {
            let message = "Context menu commands cannot have description".into();
            let code = "APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION";
            problems.push((format!("{i}.description"), code, message));
        }
        if command["options"].as_array().is_some_and(|o| !o.is_empty()) {
            let message = "Context menu commands cannot have options".into();
            problems.push((
                format!("{i}.options"),
                "APPLICATION_COMMAND_CONTEXT_MENU_OPTIONS",
                message,
            ));
        }
    }
    if per_kind[1] > 100 || per_kind[2] > 15 || per_kind[3] > 15 {
        let message = "Maximum number of application commands reached".into();
        problems.push(("_errors".into(), "APPLICATION_COMMANDS_TOO_MANY", message));
    }
    problems
}

fn options(options: &[Value], at: &str, problems: &mut Problems) {
    if options.len() > 25 {
        let message = "Must be 25 or fewer in length.".into();
        problems.push((at.to_string(), "BASE_TYPE_MAX_LENGTH", message));
    }
    let mut optional_seen = false;
    let mut names = Vec::new();
    for (j, option) in options.iter().enumerate() {
        let here = format!("{at}.{j}");
        let kind = option["type"].as_u64().unwrap_or(0);
        if !(1..=11).contains(&kind) {
            let message = "Value must be one of (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11).".into();
            problems.push((format!("{here}.type"), "BASE_TYPE_CHOICES", message));
        }
        if !name_ok(&option["name"]) {
            let message = "Command name is invalid".into();
            problems.push((
                format!("{here}.name"),
                "APPLICATION_COMMAND_INVALID_NAME",
                message,
            ));
        }
        if names.contains(&&option["name"]) {
            let message = "Option names must be unique".into();
            let code = "APPLICATION_COMMAND_OPTIONS_DUPLICATE_NAME";
            problems.push((format!("{here}.name"), code, message));
        }
        names.push(&option["name"]);
        length_between(
            problems,
            format!("{here}.description"),
            &option["description"],
            1,
            100,
        );
        let required = option["required"].as_bool().unwrap_or(false);
        if required && optional_seen {
            let message = "Required options must be placed before non-required options".into();
            let code = "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID_ORDER";
            problems.push((format!("{here}.required"), code, message));
        }
        optional_seen |= !required;
        let choices = option["choices"].as_array().cloned().unwrap_or_default();
        if !choices.is_empty() && !matches!(kind, 3 | 4 | 10) {
            let message = "Choices are only allowed for string, integer and number options".into();
            let code = "APPLICATION_COMMAND_OPTION_CHOICES_INVALID_TYPE";
            problems.push((format!("{here}.choices"), code, message));
        }
        if choices.len() > 25 {
            let message = "Must be 25 or fewer in length.".into();
            problems.push((format!("{here}.choices"), "BASE_TYPE_MAX_LENGTH", message));
        }
        for (k, choice) in choices.iter().enumerate() {
            length_between(
                problems,
                format!("{here}.choices.{k}.name"),
                &choice["name"],
                1,
                100,
            );
            let fits = match kind {
                3 => choice["value"]
                    .as_str()
                    .is_some_and(|v| (1..=100).contains(&v.chars().count())),
                4 => choice["value"].is_i64(),
                _ => choice["value"].is_number(),
            };
            if !fits {
                let message = "Invalid choice value".into();
                problems.push((
                    format!("{here}.choices.{k}.value"),
                    "BASE_TYPE_CHOICES",
                    message,
                ));
            }
        }
        if let Some(sub) = option["options"].as_array() {
            self::options(sub, &format!("{here}.options"), problems);
        }
    }
}

/// A message's action rows: at most 5 rows of 1–5 components, a select
/// alone in its row, custom ids and select options within their lengths.
pub fn components(rows: &[Value]) -> Problems {
    let mut problems = Vec::new();
    if rows.len() > 5 {
        let message = "Must be 5 or fewer in length.".into();
        problems.push(("components".into(), "BASE_TYPE_MAX_LENGTH", message));
    }
    for (i, row) in rows.iter().enumerate() {
        if row["type"].as_u64() != Some(1) {
            let message = "Value of field \"type\" must be one of (1,).".into();
            problems.push((
                format!("components.{i}.type"),
                "UNION_TYPE_CHOICES",
                message,
            ));
            continue;
        }
        let children = row["components"].as_array().cloned().unwrap_or_default();
        let at = format!("components.{i}.components");
        if children.is_empty() || children.len() > 5 {
            let message = "Must be between 1 and 5 in length.".into();
            problems.push((at.clone(), "BASE_TYPE_BAD_LENGTH", message));
        }
        let selects = children
            .iter()
            .filter(|c| matches!(c["type"].as_u64(), Some(3 | 5..=8)));
        if selects.count() > 0 && children.len() > 1 {
            let message = "The specified component exceeds the maximum width".into();
            problems.push((at.clone(), "COMPONENT_LAYOUT_WIDTH_EXCEEDED", message));
        }
        for (j, child) in children.iter().enumerate() {
            let here = format!("{at}.{j}");
            let link = child["type"].as_u64() == Some(2) && child["style"].as_u64() == Some(5);
            if !link {
                length_between(
                    &mut problems,
                    format!("{here}.custom_id"),
                    &child["custom_id"],
                    1,
                    100,
                );
            }
            if child["type"].as_u64() != Some(3) {
                continue;
            }
            let options = child["options"].as_array().cloned().unwrap_or_default();
            if options.is_empty() || options.len() > 25 {
                let message = "Must be between 1 and 25 in length.".into();
                problems.push((format!("{here}.options"), "BASE_TYPE_BAD_LENGTH", message));
            }
            for (k, option) in options.iter().enumerate() {
                for key in ["label", "value"] {
                    let at = format!("{here}.options.{k}.{key}");
                    length_between(&mut problems, at, &option[key], 1, 100);
                }
            }
        }
    }
    problems
}
