"""The dossiers' deadline sources, through the plugin contract (docs/plugins.md)."""

name = "motcua_dossiers"
label = "Hồ sơ"
core = True
# Calendar changes recompute these (motcua.core.deadline_sources).
deadline_sources = [
    "motcua.dossiers.deadline_sources.DossierDeadlines",
    "motcua.dossiers.deadline_sources.StepDeadlines",
]
