"""Printing a topic evaluation (shared by ``train topic`` and ``evaluate topic``)."""

from __future__ import annotations

import click

from training.topic import CalibrationReport, TopicEvaluation


def _calibration(title: str, report: CalibrationReport | None) -> None:
    if report is None:
        return
    click.echo(f"  {title}: ECE {report.ece:.3f}")
    click.echo(f"    {'score':<11} {'articles':>8} {'mean score':>10} {'accuracy':>8}")
    for b in report.bins:
        click.echo(
            f"    {b.low:.2f}–{b.high:.2f}  {b.count:>8} {b.mean_score:>10.3f} {b.accuracy:>8.3f}"
        )
    click.echo(f"    {'min score':<11} {'kept':>8} {'accuracy':>10}")
    for threshold, kept, accuracy in report.thresholds:
        click.echo(f"    {threshold:<11.2f} {kept:>8.1%} {accuracy:>10.3f}")


def echo_topic_evaluation(evaluation: TopicEvaluation, model_name: str = "the model") -> None:
    e = evaluation
    click.echo(
        f"recent articles, {e.folds}-fold cross-validation × {e.seeds} seeds over "
        f"{e.recent_articles} articles (held-out folds never trained on): accuracy "
        f"{e.accuracy.mean:.4f} ± {e.accuracy.std:.4f}"
    )
    click.echo(f"  {'topic':<11} {'accuracy':>8} {'± (seeds)':>9} {'support':>7}")
    for name, scores in e.by_class.items():
        click.echo(f"  {name:<11} {scores.mean:>8.3f} {scores.std:>9.3f} {scores.support:>7}")
    _calibration("calibration of the cross-validated scores", e.calibration)
    if e.recent_held_out and e.recent_held_out_accuracy is not None:
        click.echo(
            f"{model_name} on the {e.recent_held_out} held-out recent articles (never trained "
            f"on): accuracy {e.recent_held_out_accuracy:.4f}"
        )
        click.echo("  " + ", ".join(f"{k} {v:.2f}" for k, v in e.recent_held_out_by_class.items()))
        _calibration("calibration", e.recent_held_out_calibration)
    click.echo(
        f"{model_name} on the {e.old_held_out} held-out old articles (vntc-train, 10% by id): "
        f"accuracy {e.old_accuracy:.4f}"
    )
    _calibration("calibration", e.old_calibration)
