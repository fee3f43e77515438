"""The catalogue's snapshot parts, through the plugin contract (docs/plugins.md)."""

name = "motcua_procedures"
label = "Thủ tục hành chính"
core = True
snapshot_parts = {
    "procedure": "motcua.procedures.snapshot.procedure_part",
    "documents": "motcua.procedures.snapshot.documents_part",
    "fees": "motcua.procedures.snapshot.fees_part",
    "units": "motcua.procedures.snapshot.units_part",
    "workflow": "motcua.procedures.workflow.workflow_part",
}
