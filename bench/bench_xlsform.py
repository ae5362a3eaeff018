"""Upload-time cost of a large XLSForm: sinmiedo's load + validate against pyxform's own conversion.

Builds a 5,000-row bilingual XLSForm (groups, repeats, selects over 100 choice lists, relevance,
constraints, calculations) in a temporary directory, then times ``load_instrument`` (read, normalise,
build, validate) and pyxform's ``convert`` (validate=False) of the same file. Target: under 5 s.
Prints the median of a few runs of each and the ratio sinmiedo / pyxform.
"""

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from pyxform.xls2xform import convert

from survey_defs import load_instrument
from survey_defs.instruments.build import write_workbook
from survey_defs.instruments.rows import (
    Row,
    Workbook,
    begin_group,
    begin_repeat,
    calculate,
    choice_list,
    end_group,
    end_repeat,
    note,
    question,
    settings,
    workbook,
)

SURVEY_ROWS = 5_000
CHOICE_LISTS = 100
CHOICES_PER_LIST = 8
TARGET_SECONDS = 5.0
RUNS = 3


def _block(index: int) -> list[Row]:
    """16 rows reading earlier answers (23 in every fifth block, which holds a repeat)."""
    prefix = f"b{index}"
    previous = f"${{b{index - 1}_count}}" if index else "0"
    rows = [
        begin_group(f"{prefix}_group", (f"Sección {index}", f"Section {index}"), relevant=f"{previous} >= 0"),
        question(
            "integer",
            f"{prefix}_count",
            (f"¿Cuántos? ({index})", f"How many? ({index})"),
            hint=("Entre 0 y 20.", "Between 0 and 20."),
            required=True,
            constraint=". >= 0 and . <= 20",
            constraint_message=("Entre 0 y 20.", "Between 0 and 20."),
        ),
        question(
            f"select_one list{index % CHOICE_LISTS}",
            f"{prefix}_one",
            (f"Elija una opción {index}", f"Choose one option {index}"),
            relevant=f"${{{prefix}_count}} > 0",
        ),
        question(
            f"select_multiple list{(index + 1) % CHOICE_LISTS}",
            f"{prefix}_many",
            (f"Elija varias {index}", f"Choose several {index}"),
            constraint="count-selected(.) <= 3",
            constraint_message=("Como máximo tres.", "At most three."),
        ),
        question("text", f"{prefix}_text", (f"Comentario {index}", f"Comment {index}"),
                 constraint="string-length(.) <= 200",
                 constraint_message=("Como máximo 200 caracteres.", "At most 200 characters.")),
        question("decimal", f"{prefix}_amount", (f"Monto {index}", f"Amount {index}"),
                 relevant=f"selected(${{{prefix}_many}}, 'c1') or ${{{prefix}_one}} = 'c2'"),
        question("date", f"{prefix}_date", (f"Fecha {index}", f"Date {index}"),
                 constraint=". <= today()", constraint_message=("No futura.", "Not in the future.")),
        calculate(f"{prefix}_total", f"coalesce(${{{prefix}_amount}}, 0) * ${{{prefix}_count}} + {previous}"),
        note(f"{prefix}_note", (f"Total: ${{{prefix}_total}}", f"Total: ${{{prefix}_total}}")),
    ]
    for item in range(6):
        rows.append(
            question(
                f"select_one list{(index + item) % CHOICE_LISTS}",
                f"{prefix}_item{item}",
                (f"Pregunta {index}.{item}", f"Question {index}.{item}"),
                relevant=f"${{{prefix}_count}} > {item}" if item % 2 else "",
                required=item == 0,
            )
        )
    if index % 5 == 0:
        rows += [
            begin_repeat(f"{prefix}_people", (f"Persona {index}", f"Person {index}"), repeat_count=f"${{{prefix}_count}}"),
            question("text", f"{prefix}_person", ("Nombre", "Name"), required=True),
            question("integer", f"{prefix}_age", ("Edad", "Age"), constraint=". >= 0 and . <= 120",
                     constraint_message=("Entre 0 y 120.", "Between 0 and 120.")),
            calculate(f"{prefix}_adult", f"if(${{{prefix}_age}} >= 18, 1, 0)"),
            question("select_one yes_no", f"{prefix}_works", ("¿Trabaja?", "Works?"),
                     relevant=f"${{{prefix}_adult}} = 1"),
            end_repeat(),
            calculate(f"{prefix}_adults", f"sum(${{{prefix}_adult}})"),
        ]
    return rows + [end_group()]


def large_form() -> Workbook:
    """Blocks until the next would not fit, then plain text questions up to exactly SURVEY_ROWS rows."""
    survey: list[Row] = []
    index = 0
    while len(survey) + len(block := _block(index)) <= SURVEY_ROWS:
        survey += block
        index += 1
    survey += [
        question("text", f"extra{number}", (f"Texto {number}", f"Text {number}"))
        for number in range(SURVEY_ROWS - len(survey))
    ]
    choices = [
        *choice_list("yes_no", [("yes", "Sí", "Yes"), ("no", "No", "No")]),
        *(
            row
            for number in range(CHOICE_LISTS)
            for row in choice_list(
                f"list{number}", [(f"c{choice}", f"Opción {choice}", f"Option {choice}") for choice in range(CHOICES_PER_LIST)]
            )
        ),
    ]
    return workbook(survey, choices, settings("Formulario grande / Large form", "bench_large"), [])


def _median_seconds(task: Callable[[], object]) -> tuple[float, float]:
    """Median wall-clock and CPU seconds: on a shared machine the CPU time is the steadier figure."""
    wall, cpu = [], []
    for _ in range(RUNS):
        started_wall, started_cpu = time.perf_counter(), time.process_time()
        task()
        wall.append(time.perf_counter() - started_wall)
        cpu.append(time.process_time() - started_cpu)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "large_form.xlsx"
        sheets = large_form()
        write_workbook(sheets, path)
        elements = sum(1 for _ in load_instrument(path).walk())  # also proves the generated form is valid
        ours_wall, ours_cpu = _median_seconds(lambda: load_instrument(path))
        peer_wall, peer_cpu = _median_seconds(lambda: convert(str(path), validate=False))
    print(f"form: {len(sheets['survey']) - 1} survey rows, {len(sheets['choices']) - 1} choices, {elements} elements")
    print(f"median of {RUNS} runs          wall s   cpu s")
    print(f"sinmiedo load_instrument  {ours_wall:8.2f} {ours_cpu:7.2f}   (read, normalise, build, validate)")
    print(f"pyxform convert (peer)    {peer_wall:8.2f} {peer_cpu:7.2f}   (validate=False)")
    print(f"ratio sinmiedo / pyxform  {ours_wall / peer_wall:8.2f} {ours_cpu / peer_cpu:7.2f}")
    print(f"target: wall time under {TARGET_SECONDS:.0f} s: {'met' if ours_wall < TARGET_SECONDS else 'MISSED'}")


if __name__ == "__main__":
    main()
