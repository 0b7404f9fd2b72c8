import { describeNotifierConformance } from '../../notifier-conformance';
import { siaDc09UnderTest } from './sia-dc09-under-test';

// The shared notifier suite (also fit for the list in notifiers/conformance.test.ts).
describeNotifierConformance('sia-dc09', siaDc09UnderTest());
