// Every string a person sees on the kiosk, in every language it speaks. English defines the
// keys; each other language must translate every one of them (the type checker enforces it).

export const en = {
  'app.name': 'Gatehouse',
  'language.choose': 'Language',
  'welcome.title': 'Welcome',
  'welcome.subtitle': 'Please check in for your visit.',
  'welcome.scan': 'Scan my invitation',
  'welcome.scan.hint': 'Hold the QR code from your email up to the camera',
  'welcome.find': 'Find my invitation',
  'welcome.find.hint': 'Type your name or invitation code',
  'welcome.walk_in': 'I have no invitation',
  'welcome.walk_in.hint': 'Tell us who you are visiting',
  'soon.scan': 'Scanning invitations is not available on this kiosk yet.',
  'soon.find': 'Finding invitations is not available on this kiosk yet.',
  'soon.walk_in': 'Registering without an invitation is not available on this kiosk yet.',
  'soon.see_reception': 'Please see reception — they will check you in.',
  'action.back': 'Back to start',
  'status.online': 'Connected',
  'status.degraded': 'Cloud has a problem',
  'status.offline': 'Not connected to the Gatehouse cloud',
  'status.checking': 'Checking connection…',
  'error.misconfigured': 'This kiosk is not set up correctly. Please see reception.',
  'error.offline': 'The kiosk cannot reach Gatehouse right now. Please see reception.',
  'error.cloud_refused': 'That did not work. Please see reception.',
  'error.internal': 'Something went wrong. Please see reception.',
} as const;

export type MessageKey = keyof typeof en;
export type Catalogue = Record<MessageKey, string>;

export const de: Catalogue = {
  'app.name': 'Gatehouse',
  'language.choose': 'Sprache',
  'welcome.title': 'Willkommen',
  'welcome.subtitle': 'Bitte melden Sie sich für Ihren Besuch an.',
  'welcome.scan': 'Einladung scannen',
  'welcome.scan.hint': 'Halten Sie den QR-Code aus Ihrer E-Mail vor die Kamera',
  'welcome.find': 'Einladung suchen',
  'welcome.find.hint': 'Geben Sie Ihren Namen oder Einladungscode ein',
  'welcome.walk_in': 'Ich habe keine Einladung',
  'welcome.walk_in.hint': 'Sagen Sie uns, wen Sie besuchen',
  'soon.scan': 'Das Scannen von Einladungen ist an diesem Kiosk noch nicht verfügbar.',
  'soon.find': 'Die Suche nach Einladungen ist an diesem Kiosk noch nicht verfügbar.',
  'soon.walk_in': 'Die Anmeldung ohne Einladung ist an diesem Kiosk noch nicht verfügbar.',
  'soon.see_reception': 'Bitte wenden Sie sich an den Empfang – dort werden Sie angemeldet.',
  'action.back': 'Zurück zum Start',
  'status.online': 'Verbunden',
  'status.degraded': 'Störung in der Cloud',
  'status.offline': 'Keine Verbindung zur Gatehouse-Cloud',
  'status.checking': 'Verbindung wird geprüft …',
  'error.misconfigured': 'Dieser Kiosk ist nicht richtig eingerichtet. Bitte wenden Sie sich an den Empfang.',
  'error.offline': 'Der Kiosk erreicht Gatehouse gerade nicht. Bitte wenden Sie sich an den Empfang.',
  'error.cloud_refused': 'Das hat nicht geklappt. Bitte wenden Sie sich an den Empfang.',
  'error.internal': 'Etwas ist schiefgelaufen. Bitte wenden Sie sich an den Empfang.',
};
