"""nbgrader configuration of the course kit.

Authors edit solutions/ (nbgrader's "source"); `make exercises` writes the trainee copies to
exercises/ (nbgrader's "release"). Everything a grading run produces (submitted, autograded,
feedback, the gradebook) lives under grading/, which git ignores.
"""
import os

c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file

c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
c.CourseDirectory.submitted_directory = "grading/submitted"
c.CourseDirectory.autograded_directory = "grading/autograded"
c.CourseDirectory.feedback_directory = "grading/feedback"
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(c.CourseDirectory.root, "grading", "gradebook.db")
# SQLite creates the gradebook but not its folder: without it formgrader answers with error 500
# on a fresh clone, before the first `infowork grade`.
os.makedirs(os.path.join(c.CourseDirectory.root, "grading", "exchange"), exist_ok=True)
# nbgrader's exchange (release/collect through JupyterHub) is not used by the kit; a writable
# folder of its own keeps formgrader from warning about /usr/local/share/nbgrader/exchange.
c.Exchange.root = os.path.join(c.CourseDirectory.root, "grading", "exchange")
c.CourseDirectory.course_id = "infowork"

# nbgrader learns the version to stamp a new gradebook with by running the `alembic heads`
# command (~2 s of CPU each time); the kit asks alembic for the same answer in this process.
import nbgrader.api  # noqa: E402
from infowork.grading.gradebook import alembic_head  # noqa: E402

nbgrader.api.get_alembic_version = alembic_head

# An endless loop in a trainee's notebook ends after this many seconds per cell.
c.Execute.timeout = 60
# After the last cell the kernel's state is no longer needed: it is killed at once rather than
# asked to shut down (which waits ~0.5 s, outliers of 3 s, per trainee). Its processes die with
# it either way (the sandbox's --die-with-parent, the kernel's process group).
c.Execute.shutdown_kernel = "immediate"
# A cell that kills the kernel (os._exit, the memory limit) or hangs it past an interrupt costs
# only itself: the notebook runs again without it (infowork.grading.execution.SkipFatalCells, in place
# of nbgrader's Execute). The outputs are then cleaned of the instructor's environment and of
# lines of the master copy a trainee's code may print (infowork.grading.redaction.RedactOutputs), so the
# autograded copy holds no more than feedback shows. The rest is nbgrader's own list.
c.Autograde.autograde_preprocessors = [
    "infowork.grading.execution.SkipFatalCells",
    "infowork.grading.redaction.RedactOutputs",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
# A grade cell the trainee deleted is put back from the master copy and scored.
c.OverwriteCells.add_missing_cells = True
# Huge outputs (a printed 50,000-row table) are cut, not stored whole in the gradebook.
c.LimitOutput.max_lines = 200
c.LimitOutput.max_traceback = 50

# Feedback, whether made by `infowork grade`, `infowork report` or formgrader's button, never
# shows the code of hidden tests or the mark schemes (infowork.grading.HideTestCode), nor what a
# trainee's code printed of the instructor's environment or of the master copy
# (infowork.grading.redaction.RedactOutputs). Do not set HTMLExporter options here: formgrader's own
# pages need its template settings (the Russian feedback template is set by the config
# `infowork grade` writes into grading/).
# The feedback page without nbconvert's slow second pass (and its English alt text).
c.GenerateFeedback.exporter_class = "infowork.grading.feedback.FeedbackExporter"
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    "infowork.grading.HideTestCode",
    "infowork.grading.redaction.RedactOutputs",
]

# What a trainee reads in the generated exercises and in feedback is Russian, too.
c.ClearSolutions.code_stub = {"python": "# ВАШ КОД ЗДЕСЬ\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "ВАШ ОТВЕТ ЗДЕСЬ"
c.OverwriteCells.missing_cell_notification = (
    "Эта ячейка ({cell_id}) была удалена из работы, при проверке её вернули на место.\n\n")

# What a run of a master notebook leaves beside it is not part of the assignment: nbgrader would
# copy a card saved to out/ into exercises/ and into each grading folder (where it is read-only
# in the sandbox, so a trainee's own save_card would fail). nbgrader's defaults plus out/.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "out"]
