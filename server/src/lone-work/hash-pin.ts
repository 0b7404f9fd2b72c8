import { hashPin, PIN_KEY_ENV, pinKeyFrom } from './pin-hash';

// Prints a PIN hash for the configuration file (cancelPinHash / duressPinHash):
// `TRYGG_PIN_KEY=... npx tsx server/src/lone-work/hash-pin.ts <4-8 digits>`, with the server's key.
const pin = process.argv[2];
const { key, problem } = pinKeyFrom(process.env);
if (!pin || !/^[0-9]{4,8}$/.test(pin) || !key) {
  console.error(problem ?? `usage: ${PIN_KEY_ENV}=<the server's key> npx tsx server/src/lone-work/hash-pin.ts <4-8 digits>`);
  process.exit(2);
}
console.log(hashPin(pin, key));
