//! The cockpit's few colours, from the `[theme]` table of the config file.
//! With NO_COLOR set every colour is dropped, but bold/reverse stay so the
//! cursor and the selection remain visible.

use ratatui::style::{Color, Modifier, Style};
use std::collections::BTreeMap;
use std::str::FromStr;

#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub(crate) accent: Style,
    pub(crate) header: Style,
    pub(crate) cursor: Style,
    pub(crate) selected: Style,
    pub(crate) counterpart: Style,
    pub(crate) copied: Style,
    pub(crate) missing: Style,
    pub(crate) differs: Style,
    pub(crate) error: Style,
    pub(crate) dim: Style,
    pub(crate) border: Style,
    pub(crate) focused_border: Style,
}

/// Theme element names as the config spells them, with their default colour.
const ELEMENTS: &[(&str, Color)] = &[
    ("accent", Color::Cyan),
    ("header", Color::Yellow),
    ("cursor", Color::Blue),
    ("selected", Color::Magenta),
    ("counterpart", Color::Cyan),
    ("copied", Color::Green),
    ("missing", Color::Red),
    ("differs", Color::Yellow),
    ("error", Color::Red),
    ("dim", Color::DarkGray),
    ("border", Color::Gray),
];

impl Default for Theme {
    #[allow(clippy::expect_used)] // each expect states the invariant it relies on
    fn default() -> Self {
        Theme::from_config(&BTreeMap::new(), false).expect("the default theme is valid")
    }
}

impl Theme {
    /// Colours from `overrides` (element -> colour name, "#rrggbb" or 0-255).
    pub fn from_config(
        overrides: &BTreeMap<String, String>,
        no_color: bool,
    ) -> Result<Self, String> {
        let mut colors: BTreeMap<&str, Color> = ELEMENTS.iter().copied().collect();
        for (name, value) in overrides {
            let Some(slot) = colors.get_mut(name.as_str()) else {
                let names: Vec<&str> = ELEMENTS.iter().map(|(n, _)| *n).collect();
                return Err(format!(
                    "[theme] {name}: no such element; elements are: {}",
                    names.join(", ")
                ));
            };
            *slot = Color::from_str(value).map_err(|_| {
                format!("[theme] {name}: '{value}' is not a colour; use a name (red, lightblue), \"#rrggbb\" or 0-255")
            })?;
        }
        let fg = |name: &str| {
            if no_color {
                Style::new()
            } else {
                Style::new().fg(colors[name])
            }
        };
        let bold = Modifier::BOLD;
        Ok(Theme {
            accent: fg("accent").add_modifier(bold),
            header: fg("header").add_modifier(bold),
            // Reverse keeps the cursor readable on any background and without colour.
            cursor: if no_color {
                Style::new().add_modifier(Modifier::REVERSED)
            } else {
                Style::new()
                    .bg(colors["cursor"])
                    .fg(Color::White)
                    .add_modifier(bold)
            },
            selected: fg("selected").add_modifier(bold),
            counterpart: if no_color {
                Style::new().add_modifier(Modifier::UNDERLINED | bold)
            } else {
                Style::new().fg(Color::Black).bg(colors["counterpart"])
            },
            copied: fg("copied"),
            missing: fg("missing"),
            differs: fg("differs"),
            error: fg("error").add_modifier(bold),
            dim: if no_color {
                Style::new().add_modifier(Modifier::DIM)
            } else {
                fg("dim")
            },
            border: fg("border"),
            focused_border: fg("accent").add_modifier(bold),
        })
    }

    /// NO_COLOR (https://no-color.org): set and not empty.
    pub(crate) fn no_color_from_env() -> bool {
        std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
    }
}
