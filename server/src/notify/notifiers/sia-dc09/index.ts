/** SIA DC-09 ARC notifier (docs/sia-dc09.md). */
export { SiaDc09Notifier, createSiaDc09Notifier, SIA_DC09_CHANNEL, type SiaDc09NotifierOptions, type NotifierLogger } from './sia-dc09-notifier';
export { ArcLinkSupervisor, type ArcLinkEvent, type ArcLinkProbe, type ArcLinkState, type ArcLinkSupervisorOptions } from './link-supervisor';
export {
  arcTargetSchema,
  demoArcTarget,
  resolveArcTarget,
  validateArcTargets,
  type ArcProtocol,
  type ArcReceiverAddress,
  type ArcReceiverRole,
  type ArcTargetConfig,
} from './config';
export { arcMessageFor, zoneFor, type ArcClassifier, type ArcMessage } from './arc-message';
export { SequenceNumbers } from './sequence';
