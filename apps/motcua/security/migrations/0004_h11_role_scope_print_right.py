"""The scope each role reads at becomes data; the "print" right (``dossiers.print_dossier``).

* ``RoleScope``: one row per existing role with the scope it had when the scope was code
  (subtree for leaders, supervisors and both administrators, the unit for the others), so every
  existing membership keeps its behaviour. Citizens have no unit scope and get no row.
* ``print_dossier``: the print views check it; granted to every desk role, since every officer
  could print before the right existed. The site administrator takes it away per role.

Idempotent; reversing the data part does nothing.
"""

import django.db.models.deletion
from django.db import migrations, models

SUBTREE = {"unit_leader", "supervisor", "administrator", "unit_administrator"}


def scopes_and_print_right(apps, schema_editor):
    using = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    RoleScope = apps.get_model("security", "RoleScope")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    staff = list(Group.objects.using(using).exclude(name="citizen"))
    for group in staff:
        RoleScope.objects.using(using).get_or_create(
            group=group, defaults={"scope": "subtree" if group.name in SUBTREE else "unit"}
        )
    content_type, _created = ContentType.objects.using(using).get_or_create(
        app_label="dossiers", model="dossier"
    )
    permission, _created = Permission.objects.using(using).get_or_create(
        content_type=content_type,
        codename="print_dossier",
        defaults={"name": "Can print dossier (in hồ sơ)"},
    )
    for group in staff:
        group.permissions.add(permission)


class Migration(migrations.Migration):

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
        ('security', '0003_h11_append_only_triggers'),
        ('units', '0005_h11_scope_all'),
        ('dossiers', '0009_merge_h13_index'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.AlterField(
            model_name='securityevent',
            name='kind',
            field=models.CharField(choices=[('login', 'Đăng nhập'), ('login_failed', 'Đăng nhập sai'), ('lockout', 'Khóa tạm do đăng nhập sai nhiều lần'), ('logout', 'Đăng xuất'), ('password_change', 'Đổi mật khẩu'), ('password_set_by_other', 'Quản trị đặt lại mật khẩu'), ('account_change', 'Thay đổi quyền của tài khoản'), ('membership_change', 'Thay đổi phân công'), ('role_permission_change', 'Thay đổi quyền của vai trò')], max_length=24, verbose_name='sự kiện'),
        ),
        migrations.CreateModel(
            name='RoleScope',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('scope', models.CharField(choices=[('unit', 'Đơn vị'), ('subtree', 'Đơn vị và các đơn vị trực thuộc'), ('all', 'Toàn hệ thống')], max_length=10, verbose_name='phạm vi xem')),
                ('group', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='read_scope', to='auth.group', verbose_name='vai trò')),
            ],
            options={
                'verbose_name': 'phạm vi xem của vai trò',
                'verbose_name_plural': 'phạm vi xem của vai trò',
            },
        ),
        migrations.RunPython(scopes_and_print_right, migrations.RunPython.noop),
    ]
