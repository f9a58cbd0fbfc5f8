from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "zaedno.core"
    label = "core"
    verbose_name = "Zaedno core"

    def ready(self):
        from django.db.backends.signals import connection_created

        from zaedno.core.datafiles import on_connection_created

        # The SQLite files of the case data are private to Zaedno's account (docs/security.md).
        connection_created.connect(on_connection_created, dispatch_uid="zaedno.core.datafiles")
