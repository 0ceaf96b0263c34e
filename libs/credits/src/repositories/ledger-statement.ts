import pg from 'pg';

/** pg's per-connection protocol writer, as a Submittable drives it (pg-cursor and pg-query-stream do the same). */
export interface StatementConnection {
  parse(config: { text: string; name: string }): void;
  bind(config: {
    statement: string;
    values: readonly unknown[];
    valueMapper: (value: unknown) => unknown;
  }): void;
  describe(config: { type: 'P'; name: string }): void;
  execute(config: { portal: string }): void;
  sync(): void;
  sendCopyFail(message: string): void;
  /** pg's record of the names parsed on this connection (the Client fills it on ParseComplete). */
  parsedStatements: Record<string, string>;
  /** Names whose Parse was sent and not yet answered. */
  submittedNamedStatements: Record<string, string>;
  stream: { cork?: () => void; uncork?: () => void };
}

interface FieldDescription {
  name: string;
  dataTypeID: number;
}

/** The columns of a statement's rows: their names and pg's text parser for each column's type. */
interface Shape {
  readonly names: readonly string[];
  readonly parsers: ReadonlyArray<(text: string) => unknown>;
}

/**
 * The shape of each named statement a connection has described, per connection (pg's Connection
 * object; gone with it). A prepared statement's result columns cannot change under it: if a
 * migration changes a column's type, Postgres refuses to run it ("cached plan must not change
 * result type", 0A000) instead of answering with other columns, and the batcher's retry takes a
 * fresh connection, which describes it again. The ledger statements name their columns in their
 * text (decision 0047), so a statement prepared afresh under the same name (as a pooler does on
 * another server connection) answers the same columns in the same order.
 */
const shapes = new WeakMap<object, Map<string, Shape>>();

/**
 * pg's own mapping of a parameter to what it sends (`utils.prepareValue`: null for null and
 * undefined, a Buffer as binary, a Date as its timestamp, an array as an array literal, an object
 * as JSON), so a value goes out as pg's Query would send it.
 */
const prepareValue = (pg as unknown as { utils: { prepareValue: (value: unknown) => unknown } }).utils
  .prepareValue;

/**
 * A named ledger statement as its own pg Submittable (the interface pg-cursor and
 * pg-query-stream implement): Parse once per connection, then Bind, Execute and Sync, with a
 * Describe only until the connection has described the statement once. pg's own Query asks the
 * server to describe the result on every execution and then builds its row template from the
 * description each time (a null-prototype object copied with a spread, which V8 does in its
 * runtime): a one-row charge spent ~50,000 instructions of the ~675,000 a plain call costs the
 * gateway on the description (callgrind, the bench's c1 loop). The rows come out as pg's would:
 * one object per row, each column through pg's parser for its type (pg.types).
 *
 * pg-pool hands it to a Client, which calls `submit` when the connection is free, routes the
 * server's messages to the `handle*` methods and sets `callback` to pg-pool's, which releases the
 * connection (and drops it after an error).
 */
export class LedgerStatement<Row extends object> {
  /** Set by pg's Client to pg-pool's callback. */
  callback?: (err: Error | null, result?: { rows: Row[] }) => void;
  /** Whether this execution asked the server to describe its result (the connection had not yet). */
  describes = false;
  private shape: Shape | undefined;
  private known: Map<string, Shape> | undefined;
  private readonly rows: Row[] = [];
  private failure: Error | undefined;
  private answered = false;

  constructor(
    readonly name: string,
    readonly text: string,
    readonly values: readonly unknown[],
  ) {}

  submit(connection: StatementConnection): Error | null {
    const previous = connection.parsedStatements[this.name] ?? connection.submittedNamedStatements[this.name];
    if (previous !== undefined && previous !== this.text)
      return new Error(
        `Prepared statements must be unique - '${this.name}' was used for a different statement`,
      );
    let known = shapes.get(connection);
    if (!known) shapes.set(connection, (known = new Map<string, Shape>()));
    this.known = known;
    this.shape = previous === undefined ? undefined : known.get(this.name);
    this.describes = this.shape === undefined;
    connection.stream.cork?.();
    try {
      if (previous === undefined) {
        connection.parse({ text: this.text, name: this.name });
        connection.submittedNamedStatements[this.name] = this.text;
      }
      try {
        connection.bind({ statement: this.name, values: this.values, valueMapper: prepareValue });
      } catch (err) {
        // pg-protocol wrote nothing of the Bind; a Parse sent with it still goes (pg records the
        // name as parsed if the server accepts it). Answer with the error at ReadyForQuery.
        connection.sync();
        this.failure = err instanceof Error ? err : new Error(String(err));
        return null;
      }
      if (this.describes) connection.describe({ type: 'P', name: '' });
      connection.execute({ portal: '' });
      connection.sync();
    } finally {
      connection.stream.uncork?.();
    }
    return null;
  }

  handleRowDescription(msg: { fields: FieldDescription[] }): void {
    const shape: Shape = {
      names: msg.fields.map((f) => f.name),
      parsers: msg.fields.map(
        (f) => pg.types.getTypeParser(f.dataTypeID, 'text') as (text: string) => unknown,
      ),
    };
    this.shape = shape;
    this.known?.set(this.name, shape);
  }

  handleDataRow(msg: { fields: Array<string | null> }): void {
    if (this.failure) return;
    const shape = this.shape;
    if (!shape || shape.names.length !== msg.fields.length) {
      this.failure = new Error(
        `The ledger statement ${this.name} answered a row that does not match its columns`,
      );
      return;
    }
    const row: Record<string, unknown> = {};
    try {
      for (let i = 0; i < shape.names.length; i++) {
        const value = msg.fields[i];
        row[shape.names[i]!] = value === null || value === undefined ? null : shape.parsers[i]!(value);
      }
    } catch (err) {
      this.failure = err instanceof Error ? err : new Error(String(err));
      return;
    }
    this.rows.push(row as Row);
  }

  handleCommandComplete(): void {}

  handleEmptyQuery(): void {}

  /** Never asked for (Execute takes every row); nothing to do. */
  handlePortalSuspended(): void {}

  handleCopyInResponse(connection: StatementConnection): void {
    connection.sendCopyFail('No source stream defined');
  }

  handleCopyData(): void {}

  /** An ErrorResponse (the Client has already let go of this statement), a lost connection or a read timeout. */
  handleError(err: Error): void {
    this.answer(this.failure ?? err);
  }

  handleReadyForQuery(): void {
    if (this.failure) this.answer(this.failure);
    else this.answer(null, { rows: this.rows });
  }

  private answer(err: Error | null, result?: { rows: Row[] }): void {
    if (this.answered) return;
    this.answered = true;
    try {
      this.callback?.(err, result);
    } catch (thrown) {
      // As pg's Query does: the Client must go on to its next query, so the throw surfaces later.
      process.nextTick(() => {
        throw thrown;
      });
    }
  }
}
