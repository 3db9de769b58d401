//! `cargo bench -p quickcategories --bench input_size`: the cost of the largest inputs a
//! logged-in user can send (a form is at most 4 MiB), per KiB of input, from 1 KiB to 4 MiB.
//! Linear work shows as a flat column; quadratic work doubles with every row.
//!
//! A report for humans comparing changes; nothing here passes or fails on speed.
//! `BENCH_MAX_KIB` stops at a smaller size (a quadratic build takes hours at 4 MiB).

use std::hint::black_box;
use std::time::Instant;

use quickcategories::command::parse_line;
use quickcategories::wikitext::{self, CategoryNamespace};

const SIZES_KIB: [usize; 7] = [1, 4, 16, 64, 256, 1024, 4096];

/// Microseconds per KiB of `input` for `work`, the best of a few runs.
fn per_kib(input: &str, work: impl Fn(&str)) -> f64 {
    let runs = if input.len() > 1 << 20 { 2 } else { 5 };
    let best = (0..runs)
        .map(|_| {
            let start = Instant::now();
            work(black_box(input));
            start.elapsed()
        })
        .min()
        .unwrap_or_default();
    best.as_secs_f64() * 1e6 / (input.len() as f64 / 1024.0)
}

fn sized(kib: usize, unit: impl Fn(usize) -> String) -> String {
    let mut text = String::with_capacity(kib * 1024 + 64);
    let mut n = 0;
    while text.len() < kib * 1024 {
        text.push_str(&unit(n));
        n += 1;
    }
    text
}

fn main() {
    let namespace = CategoryNamespace::new(["Category"], false);
    println!("| input | command line, distinct categories (µs/KiB) | page of `<ref ` (µs/KiB) |");
    println!("|---|---|---|");
    let max_kib: usize = std::env::var("BENCH_MAX_KIB")
        .ok()
        .and_then(|max| max.parse().ok())
        .unwrap_or(usize::MAX);
    for kib in SIZES_KIB.into_iter().filter(|kib| *kib <= max_kib) {
        let line = format!("Page{}", sized(kib, |n| format!("|+Category:C{n}")));
        let page = sized(kib, |_| "<ref ".to_owned());
        let actions = parse_line("Page|+Category:Added")
            .expect("a valid line")
            .actions;
        let parse = per_kib(&line, |line| {
            black_box(parse_line(line).is_ok());
        });
        let scan = per_kib(&page, |page| {
            black_box(wikitext::apply(page, &actions, &namespace).len());
        });
        println!("| {kib} KiB | {parse:.2} | {scan:.2} |");
    }
}
