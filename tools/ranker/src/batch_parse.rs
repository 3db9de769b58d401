//! Batches from what the user typed or queried, into instructions per statement. Every bad line
//! (or query result) is reported with its number, and a batch with any is not run at all.

use std::collections::HashMap;

use serde_json::Value;

use crate::ids::{ItemId, StatementId};
use crate::rank::{Rank, RankChange};
use crate::wikis::Wiki;

/// What to do to one statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    pub statement: StatementId,
    pub change: RankChange,
    /// A reason for the new rank; only with [`RankChange::Set`] to preferred or deprecated.
    pub reason: Option<ItemId>,
}

/// Why a line is not an instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineProblem {
    NotAStatement(String),
    /// A line with a statement and nothing else.
    MissingRank,
    NotARank(String),
    NotAnItem(String),
    /// Normal rank has no reason.
    ReasonForNormalRank,
    /// The wiki has no properties for reasons.
    NoReasonsOnWiki,
    TooManyFields,
    /// The statement is in the batch already, on line `first`.
    Twice {
        first: usize,
    },
    /// A query result without a `?statement` URI (or `?rank` URI for individual ranks).
    MissingBinding(&'static str),
}

/// A bad line: its number (from 1), its text, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub line: usize,
    pub text: String,
    pub problem: LineProblem,
}

/// Why a whole query result is unusable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryShapeError {
    #[error("the query does not select ?{0}")]
    MissingVariable(&'static str),
    #[error("the answer is not SPARQL JSON results")]
    NotResults,
}

/// Checks a reason for `rank` on `wiki`: only preferred and deprecated rank have one, and only
/// where the wiki has the properties.
pub fn check_reason(rank: Rank, wiki: &Wiki) -> Result<(), LineProblem> {
    if rank == Rank::Normal {
        Err(LineProblem::ReasonForNormalRank)
    } else if !wiki.has_reasons() {
        Err(LineProblem::NoReasonsOnWiki)
    } else {
        Ok(())
    }
}

/// Lines that say something: numbered from 1 as the user sees them, blank ones left out.
fn numbered_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(index, line)| (index + 1, line.trim()))
        .filter(|(_, line)| !line.is_empty())
}

/// Collects instructions, refusing a statement that is there twice.
struct Collector {
    instructions: Vec<(usize, Instruction)>,
    /// Where each statement's instruction is in `instructions`: a list of n lines costs n
    /// look-ups, not n² comparisons.
    by_statement: HashMap<StatementId, usize>,
    errors: Vec<LineError>,
}

impl Collector {
    fn new() -> Self {
        Self {
            instructions: Vec::new(),
            by_statement: HashMap::new(),
            errors: Vec::new(),
        }
    }

    fn error(&mut self, line: usize, text: &str, problem: LineProblem) {
        self.errors.push(LineError {
            line,
            text: text.to_owned(),
            problem,
        });
    }

    fn push(&mut self, line: usize, text: &str, instruction: Instruction) {
        let earlier = self
            .by_statement
            .get(&instruction.statement)
            .map(|&index| &self.instructions[index]);
        match earlier {
            // The same instruction twice (a list pasted twice) does no harm.
            Some((_, same)) if *same == instruction => {}
            Some((first, _)) => {
                let first = *first;
                self.error(line, text, LineProblem::Twice { first });
            }
            None => {
                self.by_statement
                    .insert(instruction.statement.clone(), self.instructions.len());
                self.instructions.push((line, instruction));
            }
        }
    }

    fn finish(self) -> Result<Vec<Instruction>, Vec<LineError>> {
        if self.errors.is_empty() {
            Ok(self.instructions.into_iter().map(|(_, i)| i).collect())
        } else {
            Err(self.errors)
        }
    }
}

/// One statement id per line, all changed the same way (`/batch/list/collective/`).
pub fn parse_statement_list(
    text: &str,
    change: RankChange,
    reason: Option<&ItemId>,
) -> Result<Vec<Instruction>, Vec<LineError>> {
    let mut collector = Collector::new();
    for (line, content) in numbered_lines(text) {
        match StatementId::parse(content) {
            Ok(statement) => collector.push(
                line,
                content,
                Instruction {
                    statement,
                    change,
                    reason: reason.cloned(),
                },
            ),
            Err(_) => collector.error(
                line,
                content,
                LineProblem::NotAStatement(content.to_owned()),
            ),
        }
    }
    collector.finish()
}

/// `statement_id|rank|reason` per line, `|` or a tab between the fields, the reason optional
/// (`/batch/list/individual/`).
pub fn parse_individual_lines(text: &str, wiki: &Wiki) -> Result<Vec<Instruction>, Vec<LineError>> {
    let mut collector = Collector::new();
    for (line, content) in numbered_lines(text) {
        match parse_individual_line(content, wiki) {
            Ok(instruction) => collector.push(line, content, instruction),
            Err(problem) => collector.error(line, content, problem),
        }
    }
    collector.finish()
}

fn parse_individual_line(line: &str, wiki: &Wiki) -> Result<Instruction, LineProblem> {
    let fields: Vec<&str> = line.split(['|', '\t']).map(str::trim).collect();
    let (statement, rank, reason) = match fields[..] {
        [statement, rank] => (statement, rank, ""),
        [statement, rank, reason] => (statement, rank, reason),
        [_] => return Err(LineProblem::MissingRank),
        _ => return Err(LineProblem::TooManyFields),
    };
    let statement = StatementId::parse(statement)
        .map_err(|_| LineProblem::NotAStatement(statement.to_owned()))?;
    let rank = Rank::parse(rank).map_err(|_| LineProblem::NotARank(rank.to_owned()))?;
    let reason = if reason.is_empty() {
        None
    } else {
        let item = ItemId::parse(reason).map_err(|_| LineProblem::NotAnItem(reason.to_owned()))?;
        check_reason(rank, wiki)?;
        Some(item)
    };
    Ok(Instruction {
        statement,
        change: RankChange::Set(rank),
        reason,
    })
}

/// SPARQL JSON results (`application/sparql-results+json`): the selected variables and one map
/// of bindings per result.
#[derive(Debug, Clone)]
pub struct QueryResults {
    variables: Vec<String>,
    rows: Vec<serde_json::Map<String, Value>>,
}

impl QueryResults {
    pub fn from_json(value: &Value) -> Result<Self, QueryShapeError> {
        let variables = value["head"]["vars"]
            .as_array()
            .ok_or(QueryShapeError::NotResults)?
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        let rows = value["results"]["bindings"]
            .as_array()
            .ok_or(QueryShapeError::NotResults)?
            .iter()
            .map(|row| row.as_object().cloned().unwrap_or_default())
            .collect();
        Ok(Self { variables, rows })
    }

    fn require(&self, variable: &'static str) -> Result<(), QueryShapeError> {
        if self.variables.iter().any(|v| v == variable) {
            Ok(())
        } else {
            Err(QueryShapeError::MissingVariable(variable))
        }
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// The URI a result binds `variable` to, if it binds it to a URI.
fn uri<'a>(row: &'a serde_json::Map<String, Value>, variable: &str) -> Option<&'a str> {
    let binding = row.get(variable)?;
    (binding["type"] == "uri").then(|| binding["value"].as_str())?
}

/// A result as the user can recognise it in the error list.
fn describe(row: &serde_json::Map<String, Value>) -> String {
    row.iter()
        .map(|(name, binding)| {
            format!(
                "?{name} = {}",
                binding["value"].as_str().unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `?statement` of every result, all changed the same way (`/batch/query/collective/`).
pub fn statements_from_query(
    results: &QueryResults,
    wiki: &Wiki,
    change: RankChange,
    reason: Option<&ItemId>,
) -> Result<Result<Vec<Instruction>, Vec<LineError>>, QueryShapeError> {
    results.require("statement")?;
    let mut collector = Collector::new();
    for (index, row) in results.rows.iter().enumerate() {
        let line = index + 1;
        match statement_of(row, wiki) {
            Ok(statement) => collector.push(
                line,
                &describe(row),
                Instruction {
                    statement,
                    change,
                    reason: reason.cloned(),
                },
            ),
            Err(problem) => collector.error(line, &describe(row), problem),
        }
    }
    Ok(collector.finish())
}

fn statement_of(
    row: &serde_json::Map<String, Value>,
    wiki: &Wiki,
) -> Result<StatementId, LineProblem> {
    let uri = uri(row, "statement").ok_or(LineProblem::MissingBinding("statement"))?;
    StatementId::from_uri(uri, wiki.domain())
        .map_err(|_| LineProblem::NotAStatement(uri.to_owned()))
}

/// `?statement ?rank` and optionally a reason for every result (`/batch/query/individual/`):
/// `?reasonForPreferredRank` counts for preferred rank, `?reasonForDeprecatedRank` for
/// deprecated rank, `?reason` for either when the specific one is not bound.
pub fn instructions_from_query(
    results: &QueryResults,
    wiki: &Wiki,
) -> Result<Result<Vec<Instruction>, Vec<LineError>>, QueryShapeError> {
    results.require("statement")?;
    results.require("rank")?;
    let mut collector = Collector::new();
    for (index, row) in results.rows.iter().enumerate() {
        let line = index + 1;
        match instruction_of(row, wiki) {
            Ok(instruction) => collector.push(line, &describe(row), instruction),
            Err(problem) => collector.error(line, &describe(row), problem),
        }
    }
    Ok(collector.finish())
}

fn instruction_of(
    row: &serde_json::Map<String, Value>,
    wiki: &Wiki,
) -> Result<Instruction, LineProblem> {
    let statement = statement_of(row, wiki)?;
    let rank_uri = uri(row, "rank").ok_or(LineProblem::MissingBinding("rank"))?;
    let rank = Rank::from_uri(rank_uri).map_err(|_| LineProblem::NotARank(rank_uri.to_owned()))?;
    let specific = match rank {
        Rank::Preferred => uri(row, "reasonForPreferredRank"),
        Rank::Deprecated => uri(row, "reasonForDeprecatedRank"),
        Rank::Normal => None,
    };
    let reason = match specific.or_else(|| uri(row, "reason")) {
        None => None,
        Some(reason_uri) => {
            let item = ItemId::from_uri(reason_uri, wiki.item_wiki())
                .map_err(|_| LineProblem::NotAnItem(reason_uri.to_owned()))?;
            check_reason(rank, wiki)?;
            Some(item)
        }
    };
    Ok(Instruction {
        statement,
        change: RankChange::Set(rank),
        reason,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn wikidata() -> Wiki {
        Wiki::new("www.wikidata.org")
    }

    fn statement(id: &str) -> StatementId {
        StatementId::parse(id).expect("statement id")
    }

    fn item(id: &str) -> ItemId {
        ItemId::parse(id).expect("item id")
    }

    fn set(id: &str, rank: Rank, reason: Option<&str>) -> Instruction {
        Instruction {
            statement: statement(id),
            change: RankChange::Set(rank),
            reason: reason.map(item),
        }
    }

    fn problems(errors: Vec<LineError>) -> Vec<(usize, LineProblem)> {
        errors.into_iter().map(|e| (e.line, e.problem)).collect()
    }

    #[test]
    fn a_list_gives_one_instruction_per_statement() {
        let text = "Q1$123\n\n  Q2$123  \nQ1$456\nq2$456\nP3$123\nQ1$123\n";
        let parsed = parse_statement_list(text, RankChange::Increment, None).expect("valid");
        let ids: Vec<&str> = parsed.iter().map(|i| i.statement.as_str()).collect();
        assert_eq!(ids, ["Q1$123", "Q2$123", "Q1$456", "q2$456", "P3$123"]);
        assert!(
            parsed
                .iter()
                .all(|i| i.change == RankChange::Increment && i.reason.is_none())
        );
        let with_reason =
            parse_statement_list("Q1$1", RankChange::Set(Rank::Preferred), Some(&item("Q5")))
                .expect("valid");
        assert_eq!(with_reason, [set("Q1$1", Rank::Preferred, Some("Q5"))]);
        assert_eq!(
            parse_statement_list("\n \n", RankChange::Increment, None),
            Ok(Vec::new())
        );
    }

    #[test]
    fn every_bad_line_of_a_list_is_reported_with_its_number() {
        let errors = parse_statement_list(
            "Q1$a\nQ1\nQ12x$a\n\nhello world\n",
            RankChange::Increment,
            None,
        )
        .expect_err("invalid");
        assert_eq!(
            problems(errors),
            [
                (2, LineProblem::NotAStatement("Q1".to_owned())),
                (3, LineProblem::NotAStatement("Q12x$a".to_owned())),
                (5, LineProblem::NotAStatement("hello world".to_owned())),
            ]
        );
    }

    #[test]
    fn individual_lines_take_bars_or_tabs_and_an_optional_reason() {
        let text = "Q1$123|normal\nQ2$123|deprecated\nQ1$456\tpreferred\nq2$456\tnormal\nP3$123|preferred|Q71533355\nP3$456\tdeprecated\tQ41755623\nP3$789|preferred|";
        assert_eq!(
            parse_individual_lines(text, &wikidata()),
            Ok(vec![
                set("Q1$123", Rank::Normal, None),
                set("Q2$123", Rank::Deprecated, None),
                set("Q1$456", Rank::Preferred, None),
                set("q2$456", Rank::Normal, None),
                set("P3$123", Rank::Preferred, Some("Q71533355")),
                set("P3$456", Rank::Deprecated, Some("Q41755623")),
                set("P3$789", Rank::Preferred, None),
            ])
        );
    }

    #[test]
    fn every_bad_individual_line_is_reported() {
        let text = "Q1$a\nQ1$b|best\nQ1$c|normal|Q5\nQ1$d|preferred|P5\nX$e|normal\nQ1$f|normal|Q5|extra\nQ1$g|preferred\nQ1$g|deprecated\nQ1$g|preferred";
        let errors = parse_individual_lines(text, &wikidata()).expect_err("invalid");
        assert_eq!(
            problems(errors),
            [
                (1, LineProblem::MissingRank),
                (2, LineProblem::NotARank("best".to_owned())),
                (3, LineProblem::ReasonForNormalRank),
                (4, LineProblem::NotAnItem("P5".to_owned())),
                (5, LineProblem::NotAStatement("X$e".to_owned())),
                (6, LineProblem::TooManyFields),
                (8, LineProblem::Twice { first: 7 }),
            ]
        );
        let errors = parse_individual_lines("Q1$a|preferred|Q5", &Wiki::new("test.wikidata.org"))
            .expect_err("no reasons on Test Wikidata");
        assert_eq!(problems(errors), [(1, LineProblem::NoReasonsOnWiki)]);
    }

    fn results(vars: &[&str], rows: Value) -> QueryResults {
        QueryResults::from_json(&json!({"head": {"vars": vars}, "results": {"bindings": rows}}))
            .expect("results")
    }

    fn uri_binding(value: &str) -> Value {
        json!({"type": "uri", "value": value})
    }

    const S1: &str = "http://www.wikidata.org/entity/statement/Q1-aaaa";
    const S2: &str = "http://www.wikidata.org/entity/statement/Q2-bbbb";
    const PREFERRED: &str = "http://wikiba.se/ontology#PreferredRank";
    const DEPRECATED: &str = "http://wikiba.se/ontology#DeprecatedRank";
    const NORMAL: &str = "http://wikiba.se/ontology#NormalRank";

    #[test]
    fn query_statements_for_a_collective_change() {
        let r = results(
            &["statement"],
            json!([{"statement": uri_binding(S1)}, {"statement": uri_binding(S2)}]),
        );
        assert_eq!(r.len(), 2);
        assert!(!r.is_empty());
        let parsed =
            statements_from_query(&r, &wikidata(), RankChange::Set(Rank::Deprecated), None)
                .expect("shape")
                .expect("valid");
        assert_eq!(
            parsed,
            [
                set("Q1$aaaa", Rank::Deprecated, None),
                set("Q2$bbbb", Rank::Deprecated, None)
            ]
        );

        let missing = results(&["item"], json!([]));
        assert_eq!(
            statements_from_query(&missing, &wikidata(), RankChange::Increment, None),
            Err(QueryShapeError::MissingVariable("statement"))
        );
        let bad = results(
            &["statement"],
            json!([{"statement": {"type": "literal", "value": "Q1$a"}}, {"statement": uri_binding("http://test.wikidata.org/entity/statement/Q1-a")}, {}]),
        );
        let errors = statements_from_query(&bad, &wikidata(), RankChange::Increment, None)
            .expect("shape")
            .expect_err("invalid");
        assert_eq!(
            problems(errors),
            [
                (1, LineProblem::MissingBinding("statement")),
                (
                    2,
                    LineProblem::NotAStatement(
                        "http://test.wikidata.org/entity/statement/Q1-a".to_owned()
                    )
                ),
                (3, LineProblem::MissingBinding("statement")),
            ]
        );
        assert_eq!(
            QueryResults::from_json(&json!({"boolean": true})).err(),
            Some(QueryShapeError::NotResults)
        );
    }

    #[test]
    fn query_ranks_and_reasons_for_individual_changes() {
        let q = |id: &str| uri_binding(&format!("http://www.wikidata.org/entity/{id}"));
        let r = results(
            &[
                "statement",
                "rank",
                "reason",
                "reasonForPreferredRank",
                "reasonForDeprecatedRank",
            ],
            json!([
                {"statement": uri_binding(S1), "rank": uri_binding(PREFERRED), "reasonForPreferredRank": q("Q71533355"), "reason": q("Q1")},
                {"statement": uri_binding(S2), "rank": uri_binding(DEPRECATED), "reasonForPreferredRank": q("Q2"), "reason": q("Q41755623")},
                {"statement": uri_binding("http://www.wikidata.org/entity/statement/Q3-c"), "rank": uri_binding(NORMAL)},
                {"statement": uri_binding("http://www.wikidata.org/entity/statement/Q4-d"), "rank": uri_binding(DEPRECATED), "reasonForDeprecatedRank": q("Q1193907")},
            ]),
        );
        assert_eq!(
            instructions_from_query(&r, &wikidata())
                .expect("shape")
                .expect("valid"),
            [
                set("Q1$aaaa", Rank::Preferred, Some("Q71533355")),
                set("Q2$bbbb", Rank::Deprecated, Some("Q41755623")),
                set("Q3$c", Rank::Normal, None),
                set("Q4$d", Rank::Deprecated, Some("Q1193907")),
            ]
        );
        assert_eq!(
            instructions_from_query(&results(&["statement"], json!([])), &wikidata()).err(),
            Some(QueryShapeError::MissingVariable("rank"))
        );
        let bad = results(
            &["statement", "rank", "reason"],
            json!([
                {"statement": uri_binding(S1), "rank": uri_binding("http://wikiba.se/ontology#BestRank")},
                {"statement": uri_binding(S2), "rank": uri_binding(NORMAL), "reason": q("Q5")},
                {"statement": uri_binding(S2)},
                {"statement": uri_binding("http://www.wikidata.org/entity/statement/Q3-c"), "rank": uri_binding(PREFERRED), "reason": q("P5")},
            ]),
        );
        assert_eq!(
            problems(
                instructions_from_query(&bad, &wikidata())
                    .expect("shape")
                    .expect_err("invalid")
            ),
            [
                (
                    1,
                    LineProblem::NotARank("http://wikiba.se/ontology#BestRank".to_owned())
                ),
                (2, LineProblem::ReasonForNormalRank),
                (3, LineProblem::MissingBinding("rank")),
                (
                    4,
                    LineProblem::NotAnItem("http://www.wikidata.org/entity/P5".to_owned())
                ),
            ]
        );
    }

    #[test]
    fn reasons_are_checked_against_rank_and_wiki() {
        assert_eq!(check_reason(Rank::Preferred, &wikidata()), Ok(()));
        assert_eq!(check_reason(Rank::Deprecated, &wikidata()), Ok(()));
        assert_eq!(
            check_reason(Rank::Normal, &wikidata()),
            Err(LineProblem::ReasonForNormalRank)
        );
        assert_eq!(
            check_reason(Rank::Preferred, &Wiki::new("test-commons.wikimedia.org")),
            Err(LineProblem::NoReasonsOnWiki)
        );
    }
}
