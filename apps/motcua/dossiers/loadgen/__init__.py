"""A generator of a provincial working set of dossiers, for benchmarks and load tests.

``manage.py generate_load --dossiers N [--seed S]`` fills the current site's database with the demo
province (units, procedures and workflows from ``fixtures/demo``), a staff of officers per unit and
role, citizen accounts, and *N* dossiers received over three years in office hours, with their
steps, consultations, pauses, events and document rows, as a real province would have them.

Rules of the generated data (what the benchmark relies on):

* Dossier *i* (0 ≤ i < N) is a pure function of the seed and *i*: rerunning with the same seed
  writes the same rows, so a run that was killed resumes where it stopped and a finished one is a
  no-op. Generated rows use ids from :data:`~motcua.dossiers.loadgen.rows.ID_BASE` up, away from
  the site's own rows.
* Receipts fall in the office time of the site calendar (holidays and weekends skipped), their
  volume growing over the three years (the last months receive twice the rate of the first),
  about 40 % online; codes follow the reception format ``{agency code}-{yymmdd}-{seq:04d}``,
  unique per receiving unit and day.
* Deadlines come from the site's deadline function (the same one reception uses), pauses
  included; 5–10 % of resolved dossiers finish late. About 3–5 % of the set is open at the end of
  the three years (the generation's "now"), mostly in time: nearly every dossier whose deadline
  lies after "now" is still open (its current step mostly in time too), a share of the recent
  ones past their deadline (overdue by the desk's rule, the dossier's or the current step's
  deadline passed: a quarter of the open ones or less), and some wait for a supplement or are
  suspended (supplements take 1–6 working days, or 6–60 for a slow applicant; suspensions 10–90).
* Rows are written with multi-row ``INSERT`` statements, one transaction per batch; the ORM is
  used only for the few hundred officers and the demo catalogue. On MariaDB the statements are
  rendered as SQL text by the generator (:mod:`~motcua.dossiers.loadgen.writer`) and the plain
  secondary indexes are set aside while a large set is written, then rebuilt
  (:mod:`~motcua.dossiers.loadgen.indexes`).
* At the end the due states of the open dossiers and the monthly report summaries are rebuilt
  (``due_states_rebuild``, ``reports_rebuild``), once per set, so the database is ready for every
  bench.

Since 2026-12-08 (faster generation: positions turned into moments by a table per working day,
deadlines memoised where the rule allows it, names folded once) the same seed gives a different
set than the generator before that date (format 1 and 2 in the set's record), and format 3
(realistic open shares, growing volume, long supplement waits) another again: an unfinished set
of an older format is refused (finishing it would mix two kinds of rows); regenerate it in an empty
database.
"""
