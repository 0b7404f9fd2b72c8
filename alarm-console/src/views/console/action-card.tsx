// The tiltakskort for this kind of alarm: what to do, who calls the police, the address to give.
import type { ConsoleActionCard } from '@trygg/protocol';
import { pick, pickLines, t } from '../../i18n/i18n';

export function ActionCard(props: { card: ConsoleActionCard; headingId: string; drill?: boolean }) {
  const { card, headingId } = props;
  const steps = pickLines(card.steps);
  const police = pick(card.callsPolice);
  return (
    <section class="action-card" aria-labelledby={headingId}>
      <h3 id={headingId}>
        <span class="action-card-label">{t('actionCard.label')}</span> {pick(card.title)}
      </h3>
      {steps.length > 0 && (
        <ol class="action-steps">
          {steps.map((s) => <li>{s}</li>)}
        </ol>
      )}
      {/* A drill practises the card but never calls the police: it says so instead of who calls 112. */}
      {props.drill && <p class="action-police action-drill">{t('actionCard.drillNoPolice')}</p>}
      {!props.drill && police && <p class="action-police">{t('actionCard.police', { text: police })}</p>}
      {card.address && (
        <p class="action-address">
          {t('actionCard.address', { address: card.address })}
          {card.entrance && <><br />{t('actionCard.entrance', { entrance: card.entrance })}</>}
        </p>
      )}
    </section>
  );
}
