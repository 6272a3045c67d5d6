import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { storePath } from '../../src/store/location.js';

describe('--store: a path or a sqlite:/// URL', () => {
  it('reads paths relative to the working directory, and URLs by the SQLAlchemy rule', () => {
    expect(storePath('celeriac.db', '/srv/app')).toBe('/srv/app/celeriac.db');
    expect(storePath('/var/lib/celeriac/store.db', '/srv/app')).toBe('/var/lib/celeriac/store.db');
    expect(storePath('sqlite:///data/store.db', '/srv/app')).toBe('/srv/app/data/store.db');
    expect(storePath('sqlite:////var/lib/store.db', '/srv/app')).toBe('/var/lib/store.db');
  });

  it('refuses a URL that is not SQLite, with the password masked', () => {
    expect(() => storePath('redis://:secret@localhost/9')).toThrow(new UsageError('--store redis://:**@localhost/9: the schedule store is a SQLite file: give a path or sqlite:///path.db'));
    expect(() => storePath('sqlite://relative.db')).toThrow(new UsageError('--store sqlite://relative.db: use sqlite:///relative/path.db or sqlite:////absolute/path.db'));
  });
});
