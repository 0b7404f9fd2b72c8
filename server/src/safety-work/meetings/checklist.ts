import type { SiteConfig } from '../../config/types';
import type { Bilingual } from '../safety-db';

/**
 * The report's precautions before a meeting with a client assessed as dangerous
 * ("Skadereduserande tiltak", NAV Hordaland / Bergen kommune 2014): be prepared and assess the
 * risk, two caseworkers present, an escape route for the employee, the alarm button tested.
 * The last item is Trygg's own: an unclosed meeting raises an alarm.
 */
export const MEETING_CHECKLIST: ({ id: string } & Bilingual)[] = [
  { id: 'assess-risk', nb: 'Vurder risikoen før samtalen – vit hva du går til.', en: 'Assess the risk before the meeting – know what you are going into.' },
  { id: 'two-staff', nb: 'Vær to saksbehandlere til stede i samtalen.', en: 'Have two caseworkers present in the meeting.' },
  { id: 'escape-route', nb: 'Sørg for at du har en fri rømningsvei ut av samtalerommet.', en: 'Make sure you have a clear escape route out of the interview room.' },
  { id: 'alarm-tested', nb: 'Test alarmknappen i rommet før samtalen (testmodus), og ha den innen rekkevidde.', en: 'Test the room\'s alarm button before the meeting (test mode) and keep it within reach.' },
  { id: 'close-meeting', nb: 'Avslutt møtet i Trygg når det er ferdig – ellers går det en alarm.', en: 'Close the meeting in Trygg when it is over – otherwise an alarm is raised.' },
];

export const CHECKLIST_SOURCE = 'NAV Hordaland og Bergen kommune (2014): Skadereduserande tiltak';

/** `sites[].meetings` (docs/drills-meetings-banned-clients.md); every field has a default. */
export interface MeetingsConfig {
  /** Id of one of the site's chains, used for alarms from the room during the meeting. */
  chain?: string;
  /** Minutes after the meeting's end before an unclosed meeting raises a no-checkin alarm; default 10. */
  graceMinutes?: number;
}

export const DEFAULT_GRACE_MINUTES = 10;

export function meetingsConfig(site: SiteConfig | undefined): Required<Pick<MeetingsConfig, 'graceMinutes'>> & MeetingsConfig {
  const own = (site as (SiteConfig & { meetings?: MeetingsConfig }) | undefined)?.meetings ?? {};
  return { ...own, graceMinutes: own.graceMinutes ?? DEFAULT_GRACE_MINUTES };
}

/** Problems with `sites[].meetings` of a configuration: a chain that does not exist, a silly grace. */
export function meetingsConfigProblems(sites: SiteConfig[]): string[] {
  return sites.flatMap((site, i) => {
    const m = (site as SiteConfig & { meetings?: MeetingsConfig }).meetings;
    if (!m) return [];
    const problems: string[] = [];
    if (m.chain !== undefined && !site.chains.some((c) => c.id === m.chain)) problems.push(`sites.${i}.meetings.chain: unknown chain "${m.chain}"`);
    if (m.graceMinutes !== undefined && (!Number.isInteger(m.graceMinutes) || m.graceMinutes < 0 || m.graceMinutes > 240)) {
      problems.push(`sites.${i}.meetings.graceMinutes: must be a whole number of minutes from 0 to 240`);
    }
    return problems;
  });
}

/** "Stand by" for responders, with the end in the site's local time. */
export function standbyNotice(roomName: string, endsAt: number, timeZone: string): Bilingual {
  const until = new Intl.DateTimeFormat('nb-NO', { timeZone, hour: '2-digit', minute: '2-digit' }).format(new Date(endsAt));
  return {
    nb: `Møte med forhøyet risiko i ${roomName} til kl. ${until}. Vær i beredskap.`,
    en: `Elevated-risk meeting in ${roomName} until ${until}. Please stand by.`,
  };
}
