import { spawnSync } from 'node:child_process';

/**
 * The tools a chaos run needs besides Node: Mosquitto (the Zigbee2MQTT broker) and socat (the
 * serial line). Missing ones end the run at once with what to install, never a silent skip.
 */
export function missingTools(): string[] {
  const missing: string[] = [];
  const mosquitto = spawnSync('mosquitto', ['-h'], { stdio: 'ignore' });
  // `mosquitto -h` prints its usage and exits 3; only a spawn error means it is not there.
  if (mosquitto.error) missing.push('mosquitto (Debian/Ubuntu: apt-get install mosquitto)');
  const socat = spawnSync('socat', ['-V'], { stdio: 'ignore' });
  if (socat.error || socat.status !== 0) missing.push('socat (Debian/Ubuntu: apt-get install socat)');
  return missing;
}
