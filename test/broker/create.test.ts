import { describe, expect, it } from 'vitest';
import { AmqpBroker } from '../../src/broker/amqp/amqp-broker.js';
import { createBroker, parseBrokerUrl } from '../../src/broker/create.js';
import { RedisBroker } from '../../src/broker/redis/redis-broker.js';
import { SqliteBroker } from '../../src/broker/sqlite/sqlite-broker.js';
import { UsageError } from '../../src/errors.js';

describe('broker URLs', () => {
  it('reads redis URLs with user, password, port and database, and masks the password', () => {
    expect(parseBrokerUrl('redis://:s3cret@cache.internal:6380/4')).toEqual({
      kind: 'redis', url: 'redis://:s3cret@cache.internal:6380/4', tls: false, db: 4, displayUrl: 'redis://:**@cache.internal:6380/4',
    });
    expect(parseBrokerUrl('redis://localhost')).toMatchObject({ db: 0, tls: false, displayUrl: 'redis://localhost' });
    expect(parseBrokerUrl('rediss://app:pw@host:6390/2')).toMatchObject({ tls: true, db: 2, displayUrl: 'rediss://app:**@host:6390/2' });
  });

  it('reads sqlite URLs as SQLAlchemy does: three slashes relative, four absolute', () => {
    expect(parseBrokerUrl('sqlite:///data/celeriac.db', '/srv/app')).toEqual({ kind: 'sqlite', path: '/srv/app/data/celeriac.db', displayUrl: 'sqlite:///data/celeriac.db' });
    expect(parseBrokerUrl('sqlite:////var/lib/celeriac.db', '/srv/app')).toMatchObject({ path: '/var/lib/celeriac.db' });
  });

  it.each([
    ['redis://host/zero', /database "zero" must be a number/],
    ['redis://', /not a valid URL|no host/],
    ['sqlite://relative.db', /sqlite:\/\/\/relative/],
    ['kafka://broker:9092', /unknown scheme "kafka"/],
    ['just-a-word', /unknown scheme/],
  ])('refuses %s with a UsageError', (url, message) => {
    expect(() => parseBrokerUrl(url)).toThrow(UsageError);
    expect(() => parseBrokerUrl(url)).toThrow(message);
  });

  it('creates the adapter the URL names', () => {
    const redis = createBroker('redis://:pw@127.0.0.1:6379/1');
    expect(redis).toBeInstanceOf(RedisBroker);
    expect(redis.displayUrl).toBe('redis://:**@127.0.0.1:6379/1');
    expect(createBroker('sqlite:///x.db', { cwd: '/tmp' })).toBeInstanceOf(SqliteBroker);
    const rabbit = createBroker('amqp://guest:guest@localhost:5672/vhost');
    expect(rabbit).toBeInstanceOf(AmqpBroker);
    expect(rabbit.displayUrl).toBe('amqp://guest:**@localhost:5672/vhost');
    expect(parseBrokerUrl('pyamqp://u:p@h//')).toMatchObject({ kind: 'amqp', url: 'amqp://u:p@h//' });
  });
});
