//! The invariants every template of `data/templates.json` must keep, as the original tool
//! checks them: a template that breaks one would show a wrong form or build a wrong lexeme.

use std::collections::{BTreeMap, BTreeSet};

use lexeme_forms::templates::{Entry, Template, Templates};

fn templates() -> &'static Templates {
    Templates::compiled_in().expect("data/templates.json parses")
}

/// Fails with every offender at once, not just the first.
fn assert_none(offenders: Vec<String>, rule: &str) {
    assert!(offenders.is_empty(), "{rule}:\n{}", offenders.join("\n"));
}

fn every_form() -> impl Iterator<
    Item = (
        &'static Template,
        &'static lexeme_forms::templates::TemplateForm,
    ),
> {
    templates()
        .templates()
        .flat_map(|template| template.forms.iter().map(move |form| (template, form)))
}

#[test]
fn the_data_has_256_templates_in_44_languages() {
    let languages: BTreeSet<&str> = templates()
        .templates()
        .map(|t| t.language_code.as_str())
        .collect();
    assert_eq!(templates().templates().count(), 256);
    assert_eq!(languages.len(), 44);
    assert_eq!(every_form().count(), 3_152);
}

#[test]
fn template_names_match_their_keys() {
    assert_none(
        templates()
            .entries()
            .iter()
            .filter_map(|(key, entry)| match entry {
                Entry::Template(template) if template.name != *key => {
                    Some(format!("{key}: named {}", template.name))
                }
                _ => None,
            })
            .collect(),
        "a template's @template_name is its key",
    );
}

#[test]
fn template_labels_are_distinct_within_a_language() {
    let mut by_label: BTreeMap<(&str, &str), Vec<&str>> = BTreeMap::new();
    for template in templates().templates() {
        by_label
            .entry((&template.language_code, &template.label))
            .or_default()
            .push(&template.name);
    }
    assert_none(
        by_label
            .into_iter()
            .filter(|(_, names)| names.len() > 1)
            .map(|((language, label), names)| format!("{language} “{label}”: {names:?}"))
            .collect(),
        "template labels are distinct per language",
    );
}

/// A label is no example: it has no `[slot]` (the original's check that labels and examples
/// were not swapped). Form labels may repeat within a template: the Breton templates label
/// mutated forms like the plain ones.
#[test]
fn form_labels_are_not_examples() {
    assert_none(
        every_form()
            .filter(|(_, form)| form.label.contains('[') && form.label.contains(']'))
            .map(|(template, form)| format!("{}: “{}”", template.name, form.label))
            .collect(),
        "form labels have no [slot]",
    );
}

#[test]
fn examples_have_exactly_one_non_empty_slot() {
    assert_none(
        every_form()
            .filter(|(_, form)| {
                form.example_parts()
                    .is_none_or(|parts| parts.slot.is_empty())
            })
            .map(|(template, form)| format!("{}: “{}”", template.name, form.example))
            .collect(),
        "every example has one [slot] with text in it",
    );
}

/// Examples the original's data repeats on purpose (different forms, same sentence), and how
/// often.
const REPEATED_EXAMPLES: &[(&str, &str, usize)] = &[
    ("bengali-verb", "তুমি [দেখো]।", 2),
    ("bengali-verb", "সে [দেখুক]।", 2),
    ("bengali-verb", "তিনি [দেখুন]।", 2),
    ("bengali-verb", "তুই [দেখিস]।", 3),
    ("bengali-verb", "সে [দেখবে]।", 2),
    ("bengali-verb", "সে [দেখিবে]।", 2),
    ("bengali-verb", "তিনি [দেখবেন]।", 2),
    ("bengali-verb", "তিনি [দেখিবেন]।", 2),
    ("bengali-verb-ano", "তুমি [দেখাও]।", 3),
    ("bengali-verb-ano", "তুই [দেখাস]।", 3),
    ("bengali-verb-ano", "তিনি [দেখান]।", 3),
    ("bengali-verb-ano", "সে [দেখাক]।", 2),
    ("bengali-verb-ano", "সে [দেখাবে]।", 2),
    ("bengali-verb-ano", "সে [দেখাইবে]।", 2),
    ("bengali-verb-ano", "তিনি [দেখাবেন]।", 2),
    ("bengali-verb-ano", "তিনি [দেখাইবেন]।", 2),
    ("manbhumi-verb", "উ [ভাইলবেক]।", 2),
    ("manbhumi-verb", "উনি [ভাইলবেন]।", 2),
    ("czech-verb-imperfective", "Ona byla [zpívána].", 2),
    ("czech-verb-imperfective", "Ona to včera [zpívala].", 2),
    ("czech-verb-perfective", "Ona by [postavila].", 2),
];

#[test]
fn examples_are_distinct_within_a_template() {
    let mut offenders = Vec::new();
    for template in templates().templates() {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for form in &template.forms {
            *counts.entry(&form.example).or_default() += 1;
        }
        for (example, count) in counts.into_iter().filter(|(_, count)| *count > 1) {
            let expected = REPEATED_EXAMPLES.iter().any(|(name, repeated, times)| {
                *name == template.name && *repeated == example && *times == count
            });
            if !expected {
                offenders.push(format!("{}: “{example}” {count} times", template.name));
            }
        }
    }
    assert_none(
        offenders,
        "examples are distinct (except the known repeats)",
    );
}

#[test]
fn grammatical_features_are_distinct_and_optional_ones_are_among_them() {
    let mut offenders = Vec::new();
    for (template, form) in every_form() {
        let features: BTreeSet<&String> = form.grammatical_features_item_ids.iter().collect();
        if features.len() != form.grammatical_features_item_ids.len() {
            offenders.push(format!(
                "{} “{}”: a feature twice",
                template.name, form.label
            ));
        }
        for optional in &form.grammatical_features_item_ids_optional {
            if !features.contains(optional) {
                offenders.push(format!(
                    "{} “{}”: optional {optional} is not a feature",
                    template.name, form.label
                ));
            }
        }
    }
    assert_none(offenders, "grammatical features");
}

#[test]
fn templates_with_sections_say_whether_they_have_two_columns() {
    assert_none(
        templates()
            .templates()
            .filter(|template| {
                let has_breaks = template.forms.iter().any(|f| f.section_break);
                if has_breaks {
                    template.two_column_sections.is_none()
                } else {
                    // Declaring "no two columns" without sections says nothing.
                    template.two_column_sections == Some(false)
                }
            })
            .map(|template| template.name.clone())
            .collect(),
        "two_column_sections declared exactly when sections exist",
    );
}

#[test]
fn renames_lead_to_templates_in_one_step_and_ambiguous_names_to_several() {
    let mut offenders = Vec::new();
    for (name, entry) in templates().entries() {
        match entry {
            Entry::Template(_) => {}
            Entry::Renamed(to) => {
                if templates().get(to).is_none() {
                    offenders.push(format!("{name} → {to}: not a template"));
                }
            }
            Entry::Ambiguous(candidates) => {
                if candidates.len() < 2 {
                    offenders.push(format!("{name}: ambiguous with one candidate"));
                }
                for candidate in candidates {
                    if templates().get(candidate).is_none() {
                        offenders.push(format!("{name} → {candidate}: not a template"));
                    }
                }
            }
        }
    }
    assert_none(offenders, "renames and ambiguous names");
}

#[test]
fn every_template_credits_its_authors() {
    assert_none(
        templates()
            .templates()
            .filter(|template| match &template.attribution {
                None => true,
                Some(attribution) => {
                    attribution.users.is_empty() || (attribution.title.is_none() && !template.test)
                }
            })
            .map(|template| template.name.clone())
            .collect(),
        "every template has @attribution users (and a title unless it is a test template)",
    );
}

#[test]
fn statements_are_entity_values_of_their_property() {
    let mut offenders = Vec::new();
    let mut check = |owner: String, statements: &lexeme_forms::templates::Statements| {
        for (property, list) in statements {
            for statement in list {
                let snak = &statement["mainsnak"];
                // An item, or "no value" / "unknown value" (verb forms without an aspect, or
                // with one not known).
                let ok = snak["property"].as_str() == Some(property)
                    && match snak["snaktype"].as_str() {
                        Some("value") => snak["datavalue"]["value"]["id"]
                            .as_str()
                            .is_some_and(|id| id.starts_with('Q')),
                        Some("novalue" | "somevalue") => true,
                        _ => false,
                    };
                if !ok {
                    offenders.push(format!("{owner}: {property}"));
                }
            }
        }
    };
    for template in templates().templates() {
        check(template.name.clone(), &template.statements);
        for form in &template.forms {
            check(
                format!("{} “{}”", template.name, form.label),
                &form.statements,
            );
        }
    }
    assert_none(
        offenders,
        "statements name their property and an item (or no value, or unknown value)",
    );
}
