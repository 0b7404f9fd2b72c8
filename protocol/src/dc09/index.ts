/** SIA DC-09 / Contact ID / SIA-DCS codec: pure, no I/O (docs/sia-dc09.md). */
export * from './crc';
export * from './timestamp';
export * from './aes';
export * from './frame';
export * from './contact-id';
export * from './sia-dcs';
export * from './event-codes';
export * from './answer';
