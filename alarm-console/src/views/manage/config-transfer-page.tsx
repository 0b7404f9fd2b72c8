// Import and export of the whole configuration as the same YAML the server reads, so the
// configuration can live in version control. Import is validated like the file.
import { useState } from 'preact/hooks';
import { api } from '../../api/client';
import { ApiError } from '../../api/http';
import { t } from '../../i18n/i18n';
import type { AppSession } from '../../state/app-state';
import { errorText, Problems } from '../parts/form';

export function ConfigTransferPage(props: { session: AppSession }) {
  const [text, setText] = useState('');
  const [problems, setProblems] = useState<string[]>([]);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);

  const exportYaml = async () => {
    setProblems([]);
    try {
      const yaml = await api.exportConfig();
      setText(yaml);
      const url = URL.createObjectURL(new Blob([yaml], { type: 'application/yaml' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `trygg-config-${new Date().toISOString().slice(0, 10)}.yaml`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setStatus(t('config.exported'));
    } catch (err) {
      setProblems([errorText(err)]);
    }
  };

  const importYaml = async () => {
    if (!text.trim() || busy) return;
    if (!confirm(t('config.confirmImport'))) return;
    setBusy(true);
    try {
      const { version } = await api.importConfig(text);
      await props.session.reloadSites();
      setProblems([]);
      setStatus(t('config.imported', { version }));
    } catch (err) {
      setStatus('');
      setProblems(err instanceof ApiError && err.problems.length ? err.problems : [errorText(err)]);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="config-heading">
      <h2 id="config-heading">{t('manage.config')}</h2>
      <p class="quiet">{t('config.intro')}</p>
      <div class="row">
        <button type="button" class="secondary" onClick={() => void exportYaml()}>{t('config.export')}</button>
        <label class="file">
          {t('config.chooseFile')}
          <input type="file" accept=".yaml,.yml,.json,application/yaml,application/json" onChange={async (e) => {
            const file = (e.currentTarget as HTMLInputElement).files?.[0];
            if (file) setText(await file.text());
          }} />
        </label>
      </div>
      <div class="field">
        <label for="config-text">{t('config.text')}</label>
        <textarea id="config-text" rows={18} spellcheck={false} class="code" value={text}
          onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)} />
      </div>
      <Problems problems={problems} heading={t('config.rejected')} />
      <div class="row">
        <button type="button" class="primary" aria-disabled={busy || !text.trim()} onClick={() => void importYaml()}>
          {busy ? t('form.saving') : t('config.import')}
        </button>
        <p class="status" role="status">{status}</p>
      </div>
    </section>
  );
}
