"""The database cache, with an increment that holds across processes.

Django's DatabaseCache increments with a read and a write, so two processes counting at once
lose a count; the rate limits of `cem_project.ratelimits` count in the cache. This backend
takes the row's lock first (PostgreSQL: SELECT ... FOR UPDATE; SQLite: the project opens every
transaction IMMEDIATE, which already serialises writers). Production uses Redis (INCR is
atomic there); this serves the embedded setup, whose web server, worker and beat share the
SQLite file.
"""

from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction


class AtomicDatabaseCache(DatabaseCache):
    def incr(self, key, delta=1, version=None):
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        with transaction.atomic(using=db):
            if connection.features.has_select_for_update:
                table = connection.ops.quote_name(self._table)
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"SELECT 1 FROM {table} WHERE cache_key = %s FOR UPDATE",  # noqa: S608
                        [self.make_and_validate_key(key, version=version)],
                    )
            return super().incr(key, delta=delta, version=version)

    def decr(self, key, delta=1, version=None):
        return self.incr(key, -delta, version=version)
