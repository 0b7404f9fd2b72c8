import type { FuzzTarget } from '../target';
import { configYamlTarget } from './config-yaml';
import { dc09AnswersTarget, dc09FramesTarget } from './dc09';
import { devicePayloadsTarget, mqttTopicsTarget } from './device-messages';
import { hidReportsTarget } from './hid-reports';
import { serialFramesTarget } from './serial-frames';
import { zigbee2mqttTarget } from './zigbee2mqtt';

/** Every parser that reads input from outside the process (issue 9: "Fuzzing of every parser"). */
export const fuzzTargets: readonly FuzzTarget[] = [
  serialFramesTarget,
  hidReportsTarget,
  dc09FramesTarget,
  dc09AnswersTarget,
  devicePayloadsTarget,
  mqttTopicsTarget,
  zigbee2mqttTarget,
  configYamlTarget,
];
