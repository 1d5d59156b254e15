//! The terminal UI on a store with a million changes: the first frame from a cold
//! start (open the store, compute the dashboard, draw), and a redraw from the view model;
//! on five million changes, the first frame and the switch to months.

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use retro::store::Store;
use retro::tui::ui::{draw, theme::Theme};
use std::hint::black_box;

fn tui(c: &mut Criterion) {
    let (store, _) = common::million_change_store();
    let path = store.path().unwrap().to_path_buf();
    drop(store);
    let mut group = c.benchmark_group("tui");
    group.sample_size(20);
    group.bench_function("first_frame_1m_changes_120x40", |b| {
        b.iter(|| {
            let mut backend = retro::tui::Backend::new(Store::open(&path).unwrap());
            let app = retro::tui::prepare(&mut backend, None, common::now()).unwrap();
            let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
            terminal.draw(|f| draw(f, &app, &Theme::COLOR)).unwrap();
            black_box(terminal.backend().buffer().area.width)
        })
    });
    let mut backend = retro::tui::Backend::new(Store::open(&path).unwrap());
    let mut app = retro::tui::prepare(&mut backend, None, common::now()).unwrap();
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    group.bench_function("redraw_dashboard_120x40", |b| {
        b.iter(|| terminal.draw(|f| draw(f, &app, &Theme::COLOR)).map(|_| ()).unwrap())
    });
    // The detail screen draws a chart over the whole history.
    if let Some(effect) = app.update(retro::tui::keymap::Action::Open) {
        retro::tui::apply_effect(&mut backend, &mut app, effect).unwrap();
    }
    group.bench_function("redraw_detail_120x40", |b| {
        b.iter(|| terminal.draw(|f| draw(f, &app, &Theme::COLOR)).map(|_| ()).unwrap())
    });
    group.finish();
}

/// The same on five million changes: the first frame, and switching the dashboard to
/// months (which reads the store again).
fn tui_five_million(c: &mut Criterion) {
    let (store, _) = common::five_million_change_store();
    let path = store.path().unwrap().to_path_buf();
    drop(store);
    let mut group = c.benchmark_group("tui");
    group.sample_size(10).measurement_time(std::time::Duration::from_secs(10));
    group.bench_function("first_frame_5m_changes_120x40", |b| {
        b.iter(|| {
            let mut backend = retro::tui::Backend::new(Store::open(&path).unwrap());
            let app = retro::tui::prepare(&mut backend, None, common::now()).unwrap();
            let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
            terminal.draw(|f| draw(f, &app, &Theme::COLOR)).unwrap();
            black_box(terminal.backend().buffer().area.width)
        })
    });
    let mut backend = retro::tui::Backend::new(Store::open(&path).unwrap());
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    group.bench_function("switch_to_months_5m_changes_120x40", |b| {
        b.iter_custom(|iters| {
            let mut total = std::time::Duration::ZERO;
            for _ in 0..iters {
                let mut app = retro::tui::prepare(&mut backend, None, common::now()).unwrap();
                let start = std::time::Instant::now();
                if let Some(effect) = app.update(retro::tui::keymap::Action::Monthly) {
                    retro::tui::apply_effect(&mut backend, &mut app, effect).unwrap();
                }
                terminal.draw(|f| draw(f, &app, &Theme::COLOR)).unwrap();
                total += start.elapsed();
            }
            total
        })
    });
    group.finish();
}

criterion_group!(benches, tui, tui_five_million);
criterion_main!(benches);
