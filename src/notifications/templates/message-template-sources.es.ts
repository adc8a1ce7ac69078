import type { BuiltInTranslation } from './message-template-sources.js';

/**
 * Spanish (decision D32), written for Herald: the English texts' structure and variables, addressed as "usted".
 * `minutes_text` and `lifetime` are counted in Spanish; request types are named by `requestTypes`.
 */
export const SPANISH: BuiltInTranslation = {
  requestTypes: { access: 'acceso', erasure: 'supresión' },
  sources: {
    subject_identity_verification: {
      subject: 'Su código de un solo uso',
      title: 'Código de verificación',
      html: `
    <p>
        El código de verificación de su solicitud de privacidad es {{verification_code}}.
        Vuelva al Centro de Privacidad e introduzca el código para
        continuar. Este código caducará en {{minutes_text}}.
    </p>
`,
      text: `El código de verificación de su solicitud de privacidad es {{verification_code}}. Vuelva al Centro de Privacidad e introduzca el código para continuar. Este código caducará en {{minutes_text}}.`,
      sms: `El código de verificación de su solicitud de privacidad es {{verification_code}}. Vuelva al Centro de Privacidad e introduzca el código para continuar. Este código caducará en {{minutes_text}}.`,
    },
    privacy_request_receipt: {
      subject: 'Hemos recibido su solicitud',
      title: 'Solicitud de privacidad recibida',
      html: `
{{#if several}}
    <p>
        Hemos recibido las siguientes solicitudes:
    </p>
    <ul>
{{#each request_types}}
        <li>{{this}}</li>
{{/each}}
    </ul>
{{else}}
    <p>
        Hemos recibido su solicitud de {{first}}.
    </p>
{{/if}}
`,
      text: `
{{#if several}}
Hemos recibido las siguientes solicitudes:
{{#each request_types}}
- {{this}}
{{/each}}
{{else}}
Hemos recibido su solicitud de {{first}}.
{{/if}}
`,
      sms: `{{#if several}}Hemos recibido las siguientes solicitudes: {{joined}}{{else}}Hemos recibido su solicitud de {{first}}.{{/if}}`,
    },
    privacy_request_complete_access: {
      subject: 'Sus datos están listos para su descarga',
      title: 'Solicitud de privacidad completada',
      html: `
{{#if several}}
    <p>
        Hemos completado su solicitud de acceso a sus datos, que puede descargar en los siguientes enlaces. Por motivos de seguridad, estos enlaces secretos caducarán en {{lifetime}}:
    </p>
    <ul>
{{#each download_links}}
        <li>{{this}}</li>
{{/each}}
    </ul>
{{else}}
    <p>
        Hemos completado su solicitud de acceso a sus datos, que puede descargar en {{first}}. Por motivos de seguridad, este enlace secreto caducará en {{lifetime}}.
    </p>
{{/if}}
`,
      text: `
{{#if several}}
Hemos completado su solicitud de acceso a sus datos, que puede descargar en los siguientes enlaces. Por motivos de seguridad, estos enlaces secretos caducarán en {{lifetime}}:
{{#each download_links}}
- {{this}}
{{/each}}
{{else}}
Hemos completado su solicitud de acceso a sus datos, que puede descargar en {{first}}. Por motivos de seguridad, este enlace secreto caducará en {{lifetime}}.
{{/if}}
`,
      sms: `{{#if several}}Hemos completado su solicitud de acceso a sus datos, que puede descargar en los siguientes enlaces. Por motivos de seguridad, estos enlaces secretos caducarán en {{lifetime}}: {{joined}}{{else}}Hemos completado su solicitud de acceso a sus datos, que puede descargar en {{first}}. Por motivos de seguridad, este enlace secreto caducará en {{lifetime}}.{{/if}}`,
    },
    privacy_request_complete_deletion: {
      subject: 'Sus datos han sido eliminados',
      title: 'Solicitud de privacidad completada',
      html: `
    <p>
        Hemos completado su solicitud de supresión de datos.
    </p>
`,
      text: `Hemos completado su solicitud de supresión de datos.`,
      sms: `Hemos completado su solicitud de supresión de datos.`,
    },
    privacy_request_review_approve: {
      subject: 'Su solicitud ha sido aprobada',
      title: 'Solicitud de privacidad aprobada',
      html: `
    <p>
        Su solicitud de privacidad ha sido aprobada y se está tramitando.
    </p>
`,
      text: `Su solicitud de privacidad ha sido aprobada y se está tramitando.`,
      sms: `Su solicitud de privacidad ha sido aprobada y se está tramitando.`,
    },
    privacy_request_review_deny: {
      subject: 'Su solicitud ha sido denegada',
      title: 'Solicitud de privacidad denegada',
      html: `
    <p>
{{#if rejection_reason}}
        Su solicitud de privacidad ha sido denegada por el siguiente motivo: {{rejection_reason}}
{{else}}
        Su solicitud de privacidad ha sido denegada.
{{/if}}
    </p>
`,
      text: `{{#if rejection_reason}}Su solicitud de privacidad ha sido denegada por el siguiente motivo: {{rejection_reason}}{{else}}Su solicitud de privacidad ha sido denegada.{{/if}}`,
      sms: `{{#if rejection_reason}}Su solicitud de privacidad ha sido denegada por el siguiente motivo: {{rejection_reason}}{{else}}Su solicitud de privacidad ha sido denegada.{{/if}}`,
    },
  },
};
