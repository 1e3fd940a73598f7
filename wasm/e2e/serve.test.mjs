// The test server's reading of Accept-Encoding (the same rules as
// `cargo xtask playground --serve`, whose unit test has the same cases).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { acceptsGzip } from './serve.mjs';

test('Accept-Encoding is read with its weights', () => {
  assert.equal(acceptsGzip('gzip, deflate, br, zstd'), true);
  assert.equal(acceptsGzip('br;q=1.0, GZIP;q=0.5'), true);
  assert.equal(acceptsGzip('*'), true);
  assert.equal(acceptsGzip('gzip;q=0, identity'), false);
  assert.equal(acceptsGzip('identity'), false);
  assert.equal(acceptsGzip('x-gzip-not'), false);
});
