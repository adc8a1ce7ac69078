import type { BuiltInTranslation } from './message-template-sources.js';

/**
 * German (decision D32), written for Herald: the English texts' structure and variables, addressed as "Sie". A
 * lifetime reads "… lang gültig", so durations are counted in the accusative ("5 Tage").
 */
export const GERMAN: BuiltInTranslation = {
  requestTypes: { access: 'Auskunft', erasure: 'Löschung' },
  sources: {
    subject_identity_verification: {
      subject: 'Ihr Einmalcode',
      title: 'Bestätigungscode',
      html: `
    <p>
        Der Bestätigungscode für Ihre Datenschutzanfrage lautet {{verification_code}}.
        Bitte kehren Sie zum Datenschutzcenter zurück und geben Sie den Code ein, um
        fortzufahren. Dieser Code ist {{minutes_text}} lang gültig.
    </p>
`,
      text: `Der Bestätigungscode für Ihre Datenschutzanfrage lautet {{verification_code}}. Bitte kehren Sie zum Datenschutzcenter zurück und geben Sie den Code ein, um fortzufahren. Dieser Code ist {{minutes_text}} lang gültig.`,
      sms: `Der Bestätigungscode für Ihre Datenschutzanfrage lautet {{verification_code}}. Bitte kehren Sie zum Datenschutzcenter zurück und geben Sie den Code ein, um fortzufahren. Dieser Code ist {{minutes_text}} lang gültig.`,
    },
    privacy_request_receipt: {
      subject: 'Ihre Anfrage ist bei uns eingegangen',
      title: 'Datenschutzanfrage eingegangen',
      html: `
{{#if several}}
    <p>
        Folgende Anträge sind bei uns eingegangen:
    </p>
    <ul>
{{#each request_types}}
        <li>{{this}}</li>
{{/each}}
    </ul>
{{else}}
    <p>
        Ihr Antrag auf {{first}} ist bei uns eingegangen.
    </p>
{{/if}}
`,
      text: `
{{#if several}}
Folgende Anträge sind bei uns eingegangen:
{{#each request_types}}
- {{this}}
{{/each}}
{{else}}
Ihr Antrag auf {{first}} ist bei uns eingegangen.
{{/if}}
`,
      sms: `{{#if several}}Folgende Anträge sind bei uns eingegangen: {{joined}}{{else}}Ihr Antrag auf {{first}} ist bei uns eingegangen.{{/if}}`,
    },
    privacy_request_complete_access: {
      subject: 'Ihre Daten stehen zum Herunterladen bereit',
      title: 'Datenschutzanfrage abgeschlossen',
      html: `
{{#if several}}
    <p>
        Ihr Antrag auf Auskunft wurde abgeschlossen. Sie können Ihre Daten über die folgenden Links herunterladen. Aus Sicherheitsgründen sind diese geheimen Links {{lifetime}} lang gültig:
    </p>
    <ul>
{{#each download_links}}
        <li>{{this}}</li>
{{/each}}
    </ul>
{{else}}
    <p>
        Ihr Antrag auf Auskunft wurde abgeschlossen. Sie können Ihre Daten unter {{first}} herunterladen. Aus Sicherheitsgründen ist dieser geheime Link {{lifetime}} lang gültig.
    </p>
{{/if}}
`,
      text: `
{{#if several}}
Ihr Antrag auf Auskunft wurde abgeschlossen. Sie können Ihre Daten über die folgenden Links herunterladen. Aus Sicherheitsgründen sind diese geheimen Links {{lifetime}} lang gültig:
{{#each download_links}}
- {{this}}
{{/each}}
{{else}}
Ihr Antrag auf Auskunft wurde abgeschlossen. Sie können Ihre Daten unter {{first}} herunterladen. Aus Sicherheitsgründen ist dieser geheime Link {{lifetime}} lang gültig.
{{/if}}
`,
      sms: `{{#if several}}Ihr Antrag auf Auskunft wurde abgeschlossen. Sie können Ihre Daten über die folgenden Links herunterladen. Aus Sicherheitsgründen sind diese geheimen Links {{lifetime}} lang gültig: {{joined}}{{else}}Ihr Antrag auf Auskunft wurde abgeschlossen. Sie können Ihre Daten unter {{first}} herunterladen. Aus Sicherheitsgründen ist dieser geheime Link {{lifetime}} lang gültig.{{/if}}`,
    },
    privacy_request_complete_deletion: {
      subject: 'Ihre Daten wurden gelöscht',
      title: 'Datenschutzanfrage abgeschlossen',
      html: `
    <p>
        Ihr Antrag auf Löschung Ihrer Daten wurde abgeschlossen.
    </p>
`,
      text: `Ihr Antrag auf Löschung Ihrer Daten wurde abgeschlossen.`,
      sms: `Ihr Antrag auf Löschung Ihrer Daten wurde abgeschlossen.`,
    },
    privacy_request_review_approve: {
      subject: 'Ihre Anfrage wurde genehmigt',
      title: 'Datenschutzanfrage genehmigt',
      html: `
    <p>
        Ihre Datenschutzanfrage wurde genehmigt und wird derzeit bearbeitet.
    </p>
`,
      text: `Ihre Datenschutzanfrage wurde genehmigt und wird derzeit bearbeitet.`,
      sms: `Ihre Datenschutzanfrage wurde genehmigt und wird derzeit bearbeitet.`,
    },
    privacy_request_review_deny: {
      subject: 'Ihre Anfrage wurde abgelehnt',
      title: 'Datenschutzanfrage abgelehnt',
      html: `
    <p>
{{#if rejection_reason}}
        Ihre Datenschutzanfrage wurde aus folgendem Grund abgelehnt: {{rejection_reason}}
{{else}}
        Ihre Datenschutzanfrage wurde abgelehnt.
{{/if}}
    </p>
`,
      text: `{{#if rejection_reason}}Ihre Datenschutzanfrage wurde aus folgendem Grund abgelehnt: {{rejection_reason}}{{else}}Ihre Datenschutzanfrage wurde abgelehnt.{{/if}}`,
      sms: `{{#if rejection_reason}}Ihre Datenschutzanfrage wurde aus folgendem Grund abgelehnt: {{rejection_reason}}{{else}}Ihre Datenschutzanfrage wurde abgelehnt.{{/if}}`,
    },
  },
};
