import { hashPassword } from '../src/auth/password';

// Prints a hash for the configuration file: `npm run hash-password -- <password>`.
const password = process.argv[2];
if (!password) {
  console.error('usage: npm run hash-password -- <password>');
  process.exit(2);
}
console.log(await hashPassword(password));
