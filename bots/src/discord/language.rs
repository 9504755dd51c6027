//! Which language an interaction is answered in: the user's client
//! `locale` (`es-ES`), else the server's `guild_locale`, else English.
//! Messages dropped in channels carry no locale and get English.

use pixdrop::Lang;
use serenity::all::Interaction;

/// The language for an interaction with these locales.
pub fn of(locale: &str, guild_locale: Option<&str>) -> Lang {
    Lang::supported(locale)
        .or_else(|| guild_locale.and_then(Lang::supported))
        .unwrap_or_default()
}

/// The language of any interaction, for answers made before its kind is known.
pub fn of_interaction(interaction: &Interaction) -> Lang {
    match interaction {
        Interaction::Command(c) | Interaction::Autocomplete(c) => {
            of(&c.locale, c.guild_locale.as_deref())
        }
        Interaction::Component(c) => of(&c.locale, c.guild_locale.as_deref()),
        Interaction::Modal(m) => of(&m.locale, m.guild_locale.as_deref()),
        _ => Lang::En,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_user_locale_wins_then_the_server_then_english() {
        assert_eq!(of("es-419", Some("de")), Lang::Es);
        assert_eq!(of("fr", Some("ru")), Lang::Ru);
        assert_eq!(of("pt-BR", Some("ja")), Lang::En);
        assert_eq!(of("en-US", Some("de")), Lang::En);
        assert_eq!(of("fr", None), Lang::En);
    }
}
