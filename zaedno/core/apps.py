from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "zaedno.core"
    label = "core"
    verbose_name = "Zaedno core"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from zaedno.core.db import configure_connection

        connection_created.connect(configure_connection, dispatch_uid="zaedno-configure-connection")
