/**
 * [DC-09 5.5.1.2] The message CRC: CRC-16 with polynomial x^16+x^15+x^2+1 (0x8005) processed
 * LSB first, initial value 0, no final XOR — the catalogue's CRC-16/ARC, check("123456789") = 0xBB3D.
 * It covers the characters from the opening quote of the ID token to the last character before
 * the terminating <CR> (the length field and CRC itself excluded).
 */
export function dc09Crc16(data: string | Uint8Array): number {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte;
    // 0xA001 is 0x8005 bit-reversed: the register shifts right because the CRC is reflected.
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

/** The CRC as it is sent: four upper-case hexadecimal ASCII characters. */
export function dc09Crc16Hex(data: string | Uint8Array): string {
  return dc09Crc16(data).toString(16).toUpperCase().padStart(4, '0');
}
