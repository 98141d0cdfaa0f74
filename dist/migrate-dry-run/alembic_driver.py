"""The bridge to alembic of migrate-dry-run and rollback, run with the project's own interpreter.

Usage: python alembic_driver.py REQUEST.json RESULT.json

The request names one command (probe, plan, offline, current, ping, rehearse, inspect-downgrade,
downgrade). The result is written as JSON to RESULT.json, never to stdout, because env.py files and
alembic itself print there. Progress goes to stderr. The database URL arrives in the
MIGRATE_DRY_RUN_DATABASE_URL environment variable, so it never appears on a command line.

Everything alembic-specific stays here; the action decides what the results mean.
"""

import io
import json
import os
import sys
import time
import traceback

URL_VARIABLE = "MIGRATE_DRY_RUN_DATABASE_URL"


def log(message):
    sys.stderr.write("migrate-dry-run: %s\n" % message)
    sys.stderr.flush()


class DriverError(Exception):
    """A failure the action reports as such: kind says which input is to blame."""

    def __init__(self, kind, message, **details):
        Exception.__init__(self, message)
        self.kind = kind
        self.details = details


# --------------------------------------------------------------------------------------------
# Configuration


def database_url():
    url = os.environ.get(URL_VARIABLE, "")
    if url.startswith("postgres://"):
        # SQLAlchemy 1.4 dropped the `postgres` alias; PostgreSQL itself accepts both.
        url = "postgresql://" + url[len("postgres://"):]
    return url


def load_config(request, output_buffer=None, online=False):
    from alembic.config import Config

    path = os.path.abspath(request["config"])
    if not os.path.isfile(path):
        raise DriverError("config", "%s does not exist" % path)
    kwargs = {}
    if output_buffer is not None:
        kwargs["output_buffer"] = output_buffer
    config = Config(path, **kwargs)
    if online:
        url = database_url()
        # Both ways env.py files commonly read the URL: the ini option and DATABASE_URL.
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
        os.environ["DATABASE_URL"] = url
    elif not config.get_main_option("sqlalchemy.url"):
        # Offline mode needs only the dialect.
        config.set_main_option("sqlalchemy.url", "postgresql://")
    return config


def load_script(config):
    from alembic.script import ScriptDirectory

    try:
        return ScriptDirectory.from_config(config)
    except Exception as error:  # alembic raises CommandError, or errors of the ini file
        raise DriverError("config", "alembic cannot read its scripts: %s" % error)


def revision_path(script, revision):
    return os.path.realpath(script.get_revision(revision).path)


# --------------------------------------------------------------------------------------------
# probe, plan


def command_probe(request):
    result = {"python": sys.version.split()[0], "executable": sys.executable}
    try:
        import alembic
        import sqlalchemy
    except ImportError as error:
        raise DriverError("no-alembic", "%s cannot import alembic: %s" % (sys.executable, error))
    result["alembic"] = alembic.__version__
    result["sqlalchemy"] = sqlalchemy.__version__
    return result


def resolve(script, which, value):
    """The revision ids `value` names (head, heads, base, an id or prefix, branch@head)."""
    if value in (None, "", "base"):
        return ()
    try:
        revisions = script.get_revisions(value)
    except Exception as error:
        raise DriverError("unknown-revision", str(error), which=which, value=value)
    ids = tuple(r.revision for r in revisions if r is not None)
    if not ids:
        raise DriverError("unknown-revision", "no revision is named %r" % value, which=which, value=value)
    return ids


def describe(script, revision):
    down = script.get_revision(revision).down_revision
    if down is None:
        parents = []
    elif isinstance(down, (tuple, list)):
        parents = list(down)
    else:
        parents = [down]
    rev = script.get_revision(revision)
    doc = (rev.doc or "").strip().splitlines()
    return {
        "revision": revision,
        "parents": parents,
        "path": os.path.realpath(rev.path),
        "doc": doc[0] if doc else "",
        "upgradeLine": function_line(rev.module, "upgrade"),
        "downgradeLine": function_line(rev.module, "downgrade"),
    }


def function_line(module, name):
    code = getattr(getattr(module, name, None), "__code__", None)
    return code.co_firstlineno if code is not None else None


def command_plan(request):
    config = load_config(request)
    script = load_script(config)
    to_ids = resolve(script, "to", request.get("to") or "head")
    from_value = request.get("from") or "base"
    from_ids = resolve(script, "from", from_value)
    if len(to_ids) > 1:
        raise DriverError(
            "multiple-heads",
            "%s names %d heads (%s): name one revision" % (request.get("to"), len(to_ids), ", ".join(to_ids)),
            which="to",
            value=request.get("to"),
        )
    upper = to_ids[0]
    lower = from_ids[0] if from_ids else "base"
    try:
        walked = [r.revision for r in script.iterate_revisions(upper, lower)]
    except Exception as error:
        raise DriverError("unknown-revision", str(error), which="from", value=from_value)
    checked = list(reversed(walked))
    history = []
    if from_ids:
        try:
            history = list(reversed([r.revision for r in script.iterate_revisions(from_ids[0], "base")]))
        except Exception as error:
            raise DriverError("unknown-revision", str(error), which="from", value=from_value)
    heads = list(script.get_heads())
    return {
        "from": from_ids[0] if from_ids else "base",
        "to": upper,
        "heads": heads,
        "revisions": [describe(script, r) for r in checked],
        "history": [describe(script, r) for r in history],
    }


# --------------------------------------------------------------------------------------------
# offline SQL with the op call behind each statement


class Recorder(object):
    """Collects what alembic writes in offline mode, with the revision-file line of each op call."""

    def __init__(self):
        self.active = False
        self.paths = set()
        self.chunks = []
        self.get_bind_lines = []

    def start(self, paths):
        self.active = True
        self.paths = set(paths)
        self.chunks = []
        self.get_bind_lines = []

    def stop(self):
        self.active = False
        return self.chunks

    def caller(self):
        """(line, op name, the op's keyword arguments) of the innermost revision-file frame."""
        frame = sys._getframe(2)
        below = None
        while frame is not None:
            if os.path.realpath(frame.f_code.co_filename) in self.paths:
                return frame.f_lineno, below, frame.f_code.co_filename
            below = frame
            frame = frame.f_back
        return None, None, None

    def step_revision(self):
        """The revision whose step alembic is running (a merge range also runs other branches)."""
        frame = sys._getframe(2)
        while frame is not None:
            if frame.f_code.co_name == "run_migrations" and "step" in frame.f_locals:
                step = frame.f_locals["step"]
                script = getattr(step, "revision", None)
                return getattr(script, "revision", None)
            frame = frame.f_back
        return None

    def record(self, text):
        line, below, _ = self.caller()
        op = below.f_code.co_name if below is not None else None
        constraint_type = None
        if below is not None:
            local = below.f_locals
            constraint_type = local.get("type_")
            if constraint_type is None and isinstance(local.get("kw"), dict):
                constraint_type = local["kw"].get("type_")
        self.chunks.append(
            {
                "text": text + "\n\n",
                "line": line,
                "op": op,
                "constraintType": constraint_type if isinstance(constraint_type, str) else None,
                "step": self.step_revision(),
            }
        )


RECORDER = Recorder()


def install_hooks():
    from alembic.ddl.impl import DefaultImpl
    from alembic.operations.base import Operations

    original_output = DefaultImpl.static_output

    def static_output(self, text):
        if RECORDER.active:
            RECORDER.record(text)
        return original_output(self, text)

    DefaultImpl.static_output = static_output

    original_get_bind = Operations.get_bind

    def get_bind(self):
        if RECORDER.active:
            line, _, _ = RECORDER.caller()
            if line is not None:
                RECORDER.get_bind_lines.append(line)
        return original_get_bind(self)

    Operations.get_bind = get_bind


def failure_line(error, paths):
    """The line in a revision file where the exception was raised, if it was raised there."""
    line = None
    for entry in traceback.extract_tb(error.__traceback__):
        if os.path.realpath(entry.filename) in paths:
            line = entry.lineno
    return line


def reuse_script_directory(script):
    """alembic builds a ScriptDirectory, importing every revision file, for each command: with one
    command per revision that is quadratic. The revisions do not change during a run: reuse one."""
    from alembic.script import ScriptDirectory

    ScriptDirectory.from_config = classmethod(lambda cls, config: script)


def command_offline(request):
    config = load_config(request)
    script = load_script(config)
    install_hooks()
    reuse_script_directory(script)
    from alembic import command

    paths = [revision_path(script, step["revision"]) for step in request["steps"]]
    results = []
    for step, path in zip(request["steps"], paths):
        buffer = io.StringIO()
        config = load_config(request, output_buffer=buffer)
        RECORDER.start([path])
        error = None
        started = time.time()
        try:
            if step.get("direction") == "downgrade":
                # Offline downgrades need an explicit range: from the revision down to its parent.
                command.downgrade(config, "%s:%s" % (step["revision"], step["start"]), sql=True)
            else:
                command.upgrade(config, "%s:%s" % (step["start"], step["revision"]), sql=True)
        except BaseException as exc:  # a revision may even call sys.exit
            if isinstance(exc, KeyboardInterrupt):
                raise
            error = {
                "type": type(exc).__name__,
                "message": str(exc) or type(exc).__name__,
                "line": failure_line(exc, {path}),
                "getBindLines": list(RECORDER.get_bind_lines),
            }
        chunks = [c for c in RECORDER.stop() if c["step"] in (None, step["revision"])]
        for chunk in chunks:
            del chunk["step"]
        results.append(
            {
                "revision": step["revision"],
                "ok": error is None,
                "chunks": chunks if error is None else [],
                "error": error,
                "ms": int((time.time() - started) * 1000),
            }
        )
    return {"steps": results}


# --------------------------------------------------------------------------------------------
# The database: ping, current revision, rehearsal


def timeouts_listener(lock_timeout_ms, statement_timeout_ms):
    """Sets lock_timeout and statement_timeout on every connection SQLAlchemy opens in this process."""
    from sqlalchemy import event
    from sqlalchemy.pool import Pool

    def on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("SET lock_timeout = %d" % int(lock_timeout_ms))
        cursor.execute("SET statement_timeout = %d" % int(statement_timeout_ms))
        cursor.close()
        # The SETs opened a transaction in drivers that do not autocommit: keep them past it.
        dbapi_connection.commit()

    event.listen(Pool, "connect", on_connect)


def engine():
    import sqlalchemy
    from sqlalchemy.pool import NullPool

    return sqlalchemy.create_engine(database_url(), poolclass=NullPool)


def connect():
    try:
        return engine().raw_connection()
    except ImportError as error:
        raise DriverError("driver", "the PostgreSQL driver is missing: %s" % error)
    except Exception as error:
        raise DriverError("unreachable", first_line(error))


def first_line(error):
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def query(connection, sql):
    cursor = connection.cursor()
    try:
        cursor.execute(sql)
        return cursor.fetchall() if cursor.description else []
    finally:
        cursor.close()


def command_ping(request):
    connection = connect()
    try:
        row = query(connection, "SELECT current_setting('server_version_num')::int, current_database()")[0]
        return {"serverVersionNum": row[0], "database": row[1]}
    finally:
        connection.close()


def current_heads(config, script):
    """The database's current revisions, read by the project's own env.py (its version table)."""
    from alembic.runtime.environment import EnvironmentContext
    from sqlalchemy.engine import make_url

    found = {"heads": [], "target": None}

    def read(rev, context):
        found["heads"] = list(rev or ())
        bind = context.bind
        url = getattr(getattr(bind, "engine", None), "url", None)
        if url is not None:
            found["target"] = (url.host, url.port, url.database)
        return []

    with EnvironmentContext(config, script, fn=read, dont_mutate=True):
        script.run_env()
    ours = make_url(database_url())
    if found["target"] is not None:
        host, port, name = found["target"]
        if (host or None, port or 5432, name) != (ours.host or None, ours.port or 5432, ours.database):
            raise DriverError(
                "foreign-database",
                "env.py connects to database %s on %s, not the one database-url names: make it read "
                "sqlalchemy.url or DATABASE_URL" % (name, host or "a local socket"),
            )
    return found["heads"]


def command_current(request):
    config = load_config(request, online=True)
    script = load_script(config)
    return {"heads": current_heads(config, script)}


IGNORED_SCHEMAS = "('pg_catalog', 'information_schema')"


def quote(name):
    return '"%s"' % name.replace('"', '""')


def schema_snapshot(connection):
    tables = {}
    rows = query(
        connection,
        "SELECT c.oid, n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN %s AND n.nspname NOT LIKE 'pg_toast%%' "
        "AND n.nspname NOT LIKE 'pg_temp%%' ORDER BY 2, 3" % IGNORED_SCHEMAS,
    )
    by_oid = {}
    for oid, schema, name in rows:
        if name == "alembic_version":
            continue
        key = "%s.%s" % (schema, name)
        by_oid[oid] = key
        tables[key] = {"columns": {}, "constraints": {}, "indexes": {}, "triggers": {}}
    if by_oid:
        oids = ",".join(str(int(oid)) for oid in by_oid)
        for relid, name, type_, notnull, default, identity in query(
            connection,
            "SELECT a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
            "pg_get_expr(d.adbin, d.adrelid), a.attidentity FROM pg_attribute a "
            "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
            "WHERE a.attnum > 0 AND NOT a.attisdropped AND a.attrelid IN (%s) ORDER BY a.attnum" % oids,
        ):
            tables[by_oid[relid]]["columns"][name] = {
                "type": type_,
                "notNull": bool(notnull),
                "default": default,
                "identity": identity or None,
            }
        for relid, name, definition in query(
            connection,
            "SELECT conrelid, conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid IN (%s)" % oids,
        ):
            tables[by_oid[relid]]["constraints"][name] = definition
        for relid, name, definition in query(
            connection,
            "SELECT i.indrelid, c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid IN (%s)" % oids,
        ):
            tables[by_oid[relid]]["indexes"][name] = definition
        for relid, name, definition in query(
            connection,
            "SELECT tgrelid, tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal AND tgrelid IN (%s)"
            % oids,
        ):
            tables[by_oid[relid]]["triggers"][name] = definition
    enums = {}
    for schema, name, label in query(
        connection,
        "SELECT n.nspname, t.typname, e.enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid "
        "JOIN pg_namespace n ON n.oid = t.typnamespace ORDER BY 1, 2, e.enumsortorder",
    ):
        enums.setdefault("%s.%s" % (schema, name), []).append(label)
    views = {}
    for schema, name, kind, definition in query(
        connection,
        "SELECT n.nspname, c.relname, c.relkind, pg_get_viewdef(c.oid) FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('v', 'm') AND n.nspname NOT IN %s"
        % IGNORED_SCHEMAS,
    ):
        views["%s.%s" % (schema, name)] = {"materialized": kind == "m", "definition": definition}
    sequences = sorted(
        "%s.%s" % (schema, name)
        for schema, name in query(
            connection,
            "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind = 'S' AND n.nspname NOT IN %s" % IGNORED_SCHEMAS,
        )
    )
    return {"tables": tables, "enums": enums, "views": views, "sequences": sequences}


def data_snapshot(connection, schema):
    """Rows per table, and per column the non-NULL count and an order-independent checksum."""
    data = {}
    for key, table in schema["tables"].items():
        schema_name, name = key.split(".", 1)
        columns = list(table["columns"])
        parts = ["count(*)"]
        for column in columns:
            ref = quote(column)
            parts.append("count(%s)" % ref)
            # The sum of a 60-bit slice of each value's md5: equal multisets give equal sums.
            parts.append("coalesce(sum(('x' || substr(md5(%s::text), 1, 15))::bit(60)::bigint), 0)::text" % ref)
        row = query(connection, "SELECT %s FROM %s.%s" % (", ".join(parts), quote(schema_name), quote(name)))[0]
        entry = {"rows": int(row[0]), "columns": {}}
        for index, column in enumerate(columns):
            entry["columns"][column] = {"nonNull": int(row[1 + 2 * index]), "checksum": row[2 + 2 * index]}
        data[key] = entry
    return data


def snapshot(connection, with_schema=True):
    schema = schema_snapshot(connection)
    result = {"data": data_snapshot(connection, schema)}
    if with_schema:
        result["schema"] = schema
    connection.commit()
    return result


def command_rehearse(request):
    install_hooks()
    timeouts_listener(request["lockTimeoutMs"], request["statementTimeoutMs"])
    from alembic import command

    config = load_config(request, online=True)
    script = load_script(config)
    reuse_script_directory(script)
    plan = request["plan"]
    paths = {revision_path(script, step["revision"]) for step in plan}
    steps = []
    snapshots = {}
    downgrades = []
    result = {"steps": steps, "snapshots": snapshots, "downgrades": downgrades}

    def run(name, kind, action, revision=None):
        started = time.time()
        log("%s ..." % name)
        entry = {"name": name, "kind": kind, "revision": revision, "ok": True}
        try:
            action()
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                raise
            entry["ok"] = False
            entry["error"] = "%s: %s" % (type(exc).__name__, first_line(exc))
            entry["line"] = failure_line(exc, paths)
        entry["ms"] = int((time.time() - started) * 1000)
        steps.append(entry)
        return entry["ok"]

    connection = connect()
    try:
        settings = query(connection, "SELECT current_setting('lock_timeout'), current_setting('statement_timeout')")[0]
        result["settings"] = {"lockTimeout": settings[0], "statementTimeout": settings[1]}
        connection.commit()
        heads = current_heads(config, script)
        result["startHeads"] = heads
        start = request["from"]
        if start != "base" and heads != [start]:
            if not run("upgrade to from-revision %s" % start, "prepare", lambda: command.upgrade(config, start)):
                return result
        seed = request.get("seed")
        if seed:

            def load_seed():
                cursor = connection.cursor()
                try:
                    cursor.execute(seed)
                finally:
                    cursor.close()
                connection.commit()

            if not run("load seed-sql", "seed", load_seed):
                connection.rollback()
                return result
        snapshots["before"] = snapshot(connection)
        for step in plan:
            rev = step["revision"]
            if not run("upgrade %s" % rev, "upgrade", lambda: command.upgrade(config, rev), rev):
                return result
        snapshots["afterUpgrade"] = snapshot(connection)
        for step in reversed(plan):
            rev = step["revision"]
            if not run("downgrade %s" % rev, "downgrade", lambda: downgrade_exactly(config, script, rev), rev):
                return result
            downgrades.append({"revision": rev, "data": snapshot(connection, with_schema=False)["data"]})
        snapshots["afterDowngrade"] = snapshot(connection)
        for step in plan:
            rev = step["revision"]
            if not run("upgrade %s again" % rev, "reupgrade", lambda: command.upgrade(config, rev), rev):
                return result
        snapshots["afterReupgrade"] = snapshot(connection)
        return result
    finally:
        connection.close()


def downgrade_exactly(config, script, revision):
    """Downgrades this one revision and nothing else, through the project's env.py. Downgrading
    to a revision's first parent would also remove the other branch of a merge: in a branched
    history each step of the rehearsal must undo only its own revision."""
    from alembic.runtime.environment import EnvironmentContext
    from alembic.runtime.migration import RevisionStep

    step = RevisionStep(script.revision_map, script.get_revision(revision), False)
    with EnvironmentContext(config, script, fn=lambda _rev, _context: [step]):
        script.run_env()


def first_parent(info):
    return (info["parents"] or ["base"])[0]


def downgrade_path(script, head, to):
    """The revisions a downgrade from `head` to `to` undoes, in the order alembic undoes them
    (every revision before its parents; both branches of a merge)."""
    to_ids = resolve(script, "to", to)
    if len(to_ids) > 1:
        raise DriverError("multiple-heads", "%s names %d revisions" % (to, len(to_ids)), which="to", value=to)
    lower = to_ids[0] if to_ids else "base"
    if lower == head:
        return lower, []
    ancestors = {r.revision for r in script.iterate_revisions(head, "base")}
    if lower != "base" and lower not in ancestors:
        raise DriverError(
            "not-an-ancestor",
            "the database's revision %s does not descend from %s" % (head, lower),
            which="to",
            value=to,
        )
    return lower, [r.revision for r in script.iterate_revisions(head, lower)]


def command_inspect_downgrade(request):
    """Everything the rollback needs before a downgrade, in one process (each Python start with
    alembic and env.py costs a few hundred milliseconds): the server, the database's revision, the
    history up to it, the revisions the downgrade undoes (down to `to`, else the head alone), and
    the offline SQL of every upgrade up to the head and of each of those downgrades."""
    result = {"ping": command_ping(request)}
    config = load_config(request, online=True)
    script = load_script(config)
    result["heads"] = heads = current_heads(config, script)
    if len(heads) != 1:
        return result
    result["plan"] = plan = command_plan(dict(request, **{"from": None, "to": heads[0]}))
    head = plan["revisions"][-1]
    if request.get("to") is not None:
        to, undone = downgrade_path(script, head["revision"], request["to"])
    elif len(head["parents"]) > 1:
        return result
    else:
        to, undone = first_parent(head), [head["revision"]]
    by_id = {r["revision"]: r for r in plan["revisions"]}
    result["path"] = {"to": to, "revisions": [by_id[r] for r in undone]}
    steps = [{"revision": r["revision"], "start": first_parent(r)} for r in plan["revisions"]]
    steps.extend(
        {"revision": r, "start": first_parent(by_id[r]), "direction": "downgrade"} for r in undone
    )
    result["offline"] = command_offline(dict(request, steps=steps))["steps"]
    return result


def row_counts(connection):
    """Rows of every table (alembic's own aside), by schema.name."""
    counts = {}
    for schema, name in query(
        connection,
        "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN %s AND n.nspname NOT LIKE 'pg_toast%%' "
        "AND n.nspname NOT LIKE 'pg_temp%%' AND c.relname <> 'alembic_version' ORDER BY 1, 2" % IGNORED_SCHEMAS,
    ):
        counts["%s.%s" % (schema, name)] = int(
            query(connection, "SELECT count(*) FROM %s.%s" % (quote(schema), quote(name)))[0][0]
        )
    connection.commit()
    return counts


def command_downgrade(request):
    """Downgrades the database from `from` to `to`, refusing when it is not at `from` (someone else
    moved it since the downgrade was analysed). The project's env.py runs it, in its transaction:
    with PostgreSQL's transactional DDL a failure leaves the schema as it was."""
    timeouts_listener(request["lockTimeoutMs"], request["statementTimeoutMs"])
    from alembic import command

    config = load_config(request, online=True)
    script = load_script(config)
    before = current_heads(config, script)
    if before != [request["from"]]:
        raise DriverError(
            "moved",
            "the database is at %s, not at %s as when the downgrade was analysed"
            % (", ".join(before) or "base", request["from"]),
        )
    connection = connect()
    try:
        rows_before = row_counts(connection)
        started = time.time()
        error = None
        try:
            command.downgrade(config, request["to"])
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                raise
            error = "%s: %s" % (type(exc).__name__, first_line(exc))
        ms = int((time.time() - started) * 1000)
        rows_after = row_counts(connection)
    finally:
        connection.close()
    return {
        "before": before,
        "after": current_heads(config, script),
        "error": error,
        "ms": ms,
        "rows": {"before": rows_before, "after": rows_after},
    }


COMMANDS = {
    "inspect-downgrade": command_inspect_downgrade,
    "downgrade": command_downgrade,
    "probe": command_probe,
    "plan": command_plan,
    "offline": command_offline,
    "current": command_current,
    "ping": command_ping,
    "rehearse": command_rehearse,
}


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    with io.open(argv[1], encoding="utf-8") as handle:
        request = json.load(handle)
    started = time.time()
    try:
        if request["command"] != "probe":
            command_probe(request)
        output = {"ok": True, "result": COMMANDS[request["command"]](request)}
    except DriverError as error:
        output = {"ok": False, "kind": error.kind, "message": str(error), "details": error.details}
    except BaseException as error:
        if isinstance(error, KeyboardInterrupt):
            raise
        output = {
            "ok": False,
            "kind": "crash",
            "message": "%s: %s" % (type(error).__name__, first_line(error)),
            "details": {"traceback": traceback.format_exc()[-4000:]},
        }
    output["ms"] = int((time.time() - started) * 1000)
    with io.open(argv[2], "w", encoding="utf-8") as handle:
        handle.write(json.dumps(output, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
