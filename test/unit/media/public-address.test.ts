import { expect, test } from 'vitest';
import { isPublicAddress } from '../../../src/bot/media/public-address.js';

test.each(['8.8.8.8', '52.219.1.1', '1.1.1.1', '2600:1f18::1', '2a00:1450:4001::200e', '::ffff:8.8.8.8'])(
  '%s is public',
  (address) => {
    expect(isPublicAddress(address)).toBe(true);
  },
);

test.each([
  '10.0.0.1',
  '172.16.5.4',
  '192.168.1.1',
  '127.0.0.1',
  '127.1.2.3',
  '0.0.0.0',
  '169.254.169.254',
  '100.64.0.1',
  '224.0.0.1',
  '255.255.255.255',
  '240.0.0.1',
  '192.0.2.1',
  '198.18.0.1',
  '::',
  '::1',
  'fe80::1',
  'fe80::1%eth0',
  'fc00::1',
  'fd12:3456::1',
  'ff02::1',
  '::ffff:127.0.0.1',
  '::ffff:10.0.0.1',
  '::ffff:169.254.169.254',
  '::127.0.0.1',
  '64:ff9b::a00:1',
  '2002:a00:1::1',
  '2001::1',
  '2001:db8::1',
  '[::1]',
  'localhost',
  '',
  '999.1.1.1',
  '0x7f000001',
])('%j is not public', (address) => {
  expect(isPublicAddress(address)).toBe(false);
});
