"""``manage.py kpi``: the QĐ 766 indicators of one unit and period, for the province's scripts."""

from __future__ import annotations

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from motcua.reports import indicators as ind
from motcua.reports import summary_reads
from motcua.reports.selectors import SYSTEM_READER, report_scope
from motcua.units.models import Unit

RATE_HELP = {
    "on_time_rate": "QĐ 766 §2.1, % (ended on time + pending in time) / handled",
    "late_rate": "% (ended late + pending overdue) / handled",
    "avg_processing_days": "QĐ 766 §2.2, average processing time, working days",
    "online_procedure_rate": "QĐ 766 §3.1, % procedures offered online (full or partial)",
    "online_rate": "QĐ 766 §3.3, % received online",
    "paid_online_rate": "QĐ 766 §3.6, % paid online of those with a fee",
    "electronic_result_rate": "QĐ 766 §4.1, % results with an electronic file",
    "digitised_rate": "QĐ 766 §4.2, % received with a scanned document",
    "dissatisfied_rate": "% of handled rated dissatisfied",
    "satisfaction_rate": "QĐ 766 §5.4, 100 − late_rate − dissatisfied_rate",
    "procedures / online_full / online_partial": "procedure counts behind §3.1",
    "score": "points per indicator, total, percent and band (editable settings)",
}


def _epilog() -> str:
    lines = ["JSON keys (counts of dossiers; rates in percent, null when the denominator is 0):"]
    lines += [f"  {m.key}: {m.label} ({m.legal})" for m in ind.COUNTS]
    lines += [f"  {key}: {text}" for key, text in RATE_HELP.items()]
    return "\n".join(lines)


def _date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"Ngày {option} không hợp lệ: {value!r} (định dạng YYYY-MM-DD).", returncode=2
        ) from None


class Command(BaseCommand):
    help = (
        "Print the QĐ 766 indicators of a unit for a period, the same numbers as the dashboard "
        "(read from the monthly summaries for whole months): reception counts of the dossiers it "
        "received, processing counts of those it decided (they differ for boundary-free ones)."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        import argparse

        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = argparse.RawDescriptionHelpFormatter
        parser.epilog = _epilog()
        return parser

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, help="agency code (mã định danh) of the unit")
        parser.add_argument("--subtree", action="store_true", help="include the units below it")
        parser.add_argument(
            "--structure",
            choices=["current", "historical"],
            default="current",
            help="current: a unit includes the units merged into it; historical: as received",
        )
        parser.add_argument("--from", dest="date_from", required=True, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", required=True, help="YYYY-MM-DD, inclusive")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, **options):
        date_from = _date(options["date_from"], "--from")
        date_to = _date(options["date_to"], "--to")
        if date_to < date_from:
            raise CommandError("Ngày --to phải không trước ngày --from.", returncode=2)
        unit = Unit.objects.filter(agency_code=options["unit"]).first()
        if unit is None:
            raise CommandError(f"Không có đơn vị mã {options['unit']!r}.", returncode=2)
        subtree = options["subtree"]
        scope = report_scope(
            user=SYSTEM_READER, unit=unit, subtree=subtree, structure=options["structure"]
        )
        values = summary_reads.indicators(scope, ind.window(date_from, date_to))
        values = {
            "unit": unit.agency_code,
            "structure": options["structure"],
            "from": str(date_from),
            "to": str(date_to),
            **values,
        }
        if options["json"]:
            self.stdout.write(json.dumps(values, default=str, ensure_ascii=False, indent=2))
            return
        score = values.pop("score")
        for key, value in values.items():
            self.stdout.write(f"{key:24} {'—' if value is None else value}")
        self.stdout.write(f"{'score':24} {score['points']}/{score['max_points']} {score['band']}")
