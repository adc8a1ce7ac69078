import type { BuiltInTranslation } from './message-template-sources.js';

/**
 * French (decision D32), written for Herald: the English texts' structure and variables, addressed as "vous".
 * `first_of` is the request type after "demande" with its elided "de" ("d'accès"); durations are counted in French.
 */
export const FRENCH: BuiltInTranslation = {
  requestTypes: { access: 'accès', erasure: 'effacement' },
  sources: {
    subject_identity_verification: {
      subject: 'Votre code à usage unique',
      title: 'Code de vérification',
      html: `
    <p>
        Le code de vérification de votre demande de confidentialité est {{verification_code}}.
        Veuillez revenir au Centre de confidentialité et saisir ce code pour
        continuer. Ce code expirera dans {{minutes_text}}.
    </p>
`,
      text: `Le code de vérification de votre demande de confidentialité est {{verification_code}}. Veuillez revenir au Centre de confidentialité et saisir ce code pour continuer. Ce code expirera dans {{minutes_text}}.`,
      sms: `Le code de vérification de votre demande de confidentialité est {{verification_code}}. Veuillez revenir au Centre de confidentialité et saisir ce code pour continuer. Ce code expirera dans {{minutes_text}}.`,
    },
    privacy_request_receipt: {
      subject: 'Nous avons bien reçu votre demande',
      title: 'Demande de confidentialité reçue',
      html: `
{{#if several}}
    <p>
        Nous avons bien reçu les demandes suivantes :
    </p>
    <ul>
{{#each request_types}}
        <li>{{this}}</li>
{{/each}}
    </ul>
{{else}}
    <p>
        Nous avons bien reçu votre demande {{first_of}}.
    </p>
{{/if}}
`,
      text: `
{{#if several}}
Nous avons bien reçu les demandes suivantes :
{{#each request_types}}
- {{this}}
{{/each}}
{{else}}
Nous avons bien reçu votre demande {{first_of}}.
{{/if}}
`,
      sms: `{{#if several}}Nous avons bien reçu les demandes suivantes : {{joined}}{{else}}Nous avons bien reçu votre demande {{first_of}}.{{/if}}`,
    },
    privacy_request_complete_access: {
      subject: 'Vos données sont prêtes à être téléchargées',
      title: 'Demande de confidentialité traitée',
      html: `
{{#if several}}
    <p>
        Votre demande d'accès à vos données a été traitée : vous pouvez les télécharger à partir des liens suivants. Pour des raisons de sécurité, ces liens secrets expireront dans {{lifetime}} :
    </p>
    <ul>
{{#each download_links}}
        <li>{{this}}</li>
{{/each}}
    </ul>
{{else}}
    <p>
        Votre demande d'accès à vos données a été traitée : vous pouvez les télécharger à l'adresse {{first}}. Pour des raisons de sécurité, ce lien secret expirera dans {{lifetime}}.
    </p>
{{/if}}
`,
      text: `
{{#if several}}
Votre demande d'accès à vos données a été traitée : vous pouvez les télécharger à partir des liens suivants. Pour des raisons de sécurité, ces liens secrets expireront dans {{lifetime}} :
{{#each download_links}}
- {{this}}
{{/each}}
{{else}}
Votre demande d'accès à vos données a été traitée : vous pouvez les télécharger à l'adresse {{first}}. Pour des raisons de sécurité, ce lien secret expirera dans {{lifetime}}.
{{/if}}
`,
      sms: `{{#if several}}Votre demande d'accès à vos données a été traitée : vous pouvez les télécharger à partir des liens suivants. Pour des raisons de sécurité, ces liens secrets expireront dans {{lifetime}} : {{joined}}{{else}}Votre demande d'accès à vos données a été traitée : vous pouvez les télécharger à l'adresse {{first}}. Pour des raisons de sécurité, ce lien secret expirera dans {{lifetime}}.{{/if}}`,
    },
    privacy_request_complete_deletion: {
      subject: 'Vos données ont été supprimées',
      title: 'Demande de confidentialité traitée',
      html: `
    <p>
        Votre demande d'effacement de vos données a été traitée.
    </p>
`,
      text: `Votre demande d'effacement de vos données a été traitée.`,
      sms: `Votre demande d'effacement de vos données a été traitée.`,
    },
    privacy_request_review_approve: {
      subject: 'Votre demande a été approuvée',
      title: 'Demande de confidentialité approuvée',
      html: `
    <p>
        Votre demande de confidentialité a été approuvée et est en cours de traitement.
    </p>
`,
      text: `Votre demande de confidentialité a été approuvée et est en cours de traitement.`,
      sms: `Votre demande de confidentialité a été approuvée et est en cours de traitement.`,
    },
    privacy_request_review_deny: {
      subject: 'Votre demande a été refusée',
      title: 'Demande de confidentialité refusée',
      html: `
    <p>
{{#if rejection_reason}}
        Votre demande de confidentialité a été refusée pour le motif suivant : {{rejection_reason}}
{{else}}
        Votre demande de confidentialité a été refusée.
{{/if}}
    </p>
`,
      text: `{{#if rejection_reason}}Votre demande de confidentialité a été refusée pour le motif suivant : {{rejection_reason}}{{else}}Votre demande de confidentialité a été refusée.{{/if}}`,
      sms: `{{#if rejection_reason}}Votre demande de confidentialité a été refusée pour le motif suivant : {{rejection_reason}}{{else}}Votre demande de confidentialité a été refusée.{{/if}}`,
    },
  },
};
