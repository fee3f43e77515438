"""Database sessions (``SESSION_ENGINE`` where the site has no Redis) created in one statement.

Rule: a new session gets a fresh random key of 32 characters from Django's key alphabet
(``VALID_KEY_CHARS``, 36 symbols: 165 bits) and is stored with one ``INSERT``. The primary key of
``django_session`` is what makes a key unique: a taken key fails the ``INSERT``
(``IntegrityError`` → ``CreateError``) and :meth:`create` draws another, as Django's own
backend does. Django's backend also asks ``SELECT … WHERE session_key = …`` before every
``INSERT`` and wraps the ``INSERT`` in a transaction (four statements on MariaDB: autocommit off,
``INSERT``, ``COMMIT``, autocommit on); outside a transaction a single ``INSERT`` is already
atomic, so a first visit (the portal's lookup POST) costs one statement instead of five.

Reading a session is Django's query (the row with this key whose ``expire_date`` is still ahead,
on the database the routers give for reads) written once as plain SQL: it runs on every request
that carries a session cookie, and composing it through the ORM cost more than running it.
Updating and deleting a session are Django's, unchanged; the key's length, alphabet and the
session's data, expiry and cookie are too.
"""

from __future__ import annotations

from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import IntegrityError, connections, router, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string


class SessionStore(DatabaseSessionStore):
    """Django's database session store, creating a session with one ``INSERT`` (module docs)."""

    def _get_session_from_db(self):
        model = self.model
        connection = connections[router.db_for_read(model)]
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote('session_data')} FROM {quote(model._meta.db_table)} "
                f"WHERE {quote('session_key')} = %s AND {quote('expire_date')} > %s",
                [self.session_key, connection.ops.adapt_datetimefield_value(timezone.now())],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        # load() reads the data only; the expiry of a loaded session is recomputed on save.
        return model(session_key=self.session_key, session_data=row[0])

    def _get_new_session_key(self) -> str:
        return get_random_string(32, VALID_KEY_CHARS)

    async def _aget_new_session_key(self) -> str:
        return self._get_new_session_key()

    def save(self, must_create: bool = False) -> None:
        using = router.db_for_write(self.model)
        if not must_create or self.session_key is None:
            return super().save(must_create=must_create)
        if transaction.get_connection(using).in_atomic_block:
            return super().save(must_create=True)  # a savepoint keeps the caller's transaction
        obj = self.create_model_instance(self._get_session(no_load=True))
        try:
            obj.save(force_insert=True, using=using)
        except IntegrityError as exc:
            raise CreateError from exc
        return None
