"""The unit levels a province needs, shipped with the software (data, editable in the desk).

``rank`` orders the tree: a unit's level must rank strictly below its parent's (1 is the top).

1. Cấp tỉnh — the provincial People's Committee.
2. Sở, ban, ngành — a provincial department; Trung tâm Phục vụ hành chính công — the provincial
   one-stop service centre (a unit under the provincial committee, Nghị định 118/2025/NĐ-CP); Cấp
   huyện — the district, **historical**: the two-level local government ends districts from
   01/7/2025 (Nghị định 140/2025/NĐ-CP Điều 32 k.2 hands their open dossiers to the communes), but
   dossiers received before that date still belong to a district unit.
3. Cấp xã — commune, ward or special zone; Phòng chuyên môn — a specialised office of a department
   or of a district (rank 3, so it sits under either, which a department and a district of equal
   rank could not offer through their own levels).
4. Phòng chuyên môn cấp xã — an office of a commune's People's Committee (two-level model).

Codes are stable (fixtures, imports and workflow steps refer to them); names may be edited.
"""

LEVELS = [
    {"code": "province", "name": "Cấp tỉnh", "rank": 1},
    {"code": "department", "name": "Sở, ban, ngành", "rank": 2},
    {"code": "service_centre", "name": "Trung tâm Phục vụ hành chính công", "rank": 2},
    {"code": "district", "name": "Cấp huyện (trước 01/7/2025)", "rank": 2},
    {"code": "commune", "name": "Cấp xã", "rank": 3},
    {"code": "office", "name": "Phòng chuyên môn (thuộc sở hoặc cấp huyện)", "rank": 3},
    {"code": "commune_office", "name": "Phòng chuyên môn thuộc UBND cấp xã", "rank": 4},
]


def ensure_levels(level_model) -> int:
    """Create the missing levels (by code); existing ones keep an administrator's edits."""
    created = 0
    for row in LEVELS:
        _level, made = level_model.objects.get_or_create(
            code=row["code"], defaults={"name": row["name"], "rank": row["rank"]}
        )
        created += made
    return created
