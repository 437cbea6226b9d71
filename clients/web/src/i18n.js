// The dashboard's words in English and Arabic. Enum values fall back to a
// readable form of their .proto name when a language has no word for them.

const en = {
  title: 'Corridor',
  nav_map: 'Map', nav_roads: 'Roads', nav_access: 'Access report', nav_denials: 'Denials',
  nav_convoys: 'Convoys', nav_compliance: 'Compliance',
  token_label: 'Access token', sign_in: 'Sign in', sign_out: 'Sign out',
  skip: 'Skip to content', sending: 'Sending…',
  cargo_line: 'Cargo line', add_cargo_line: 'Add a cargo line', remove_line: 'Remove this line',
  road_report_title: 'Report a road\'s status', checkpoint: 'Checkpoint', source: 'Source',
  road_reported: (road, status) => `Recorded: ${road} is ${status}.`,
  required: 'Required.', not_a_number: 'Must be a number, 0 or more.',
  date_before: (other) => `Must not be before “${other}”.`,
  check_fields: 'Some fields need attention; see the notes beside them.',
  denial_records_title: 'The denials counted', col_id: 'Record', col_people: 'People affected',
  col_description: 'What was denied', more: 'More', reported_by: 'Reported by',
  denial_form_title: 'Record a denial of access', evidence_uri: 'Evidence (link)',
  road_changed: (road, status) => `${road} is now ${status}.`,
  denial_recorded: (id) => `Recorded denial ${id}.`,
  recorded_at: 'Recorded on', revisions: 'Revisions',
  records_shown: (n, more) => `${n} denials shown${more ? '; more below' : ''}.`,
  revision_line: (n, day, by, why) => `Revision ${n}, ${day}, by ${by}${why ? `: ${why}` : ''}`,
  signin_hint: 'Sign in with a token from your administrator (corridorctl admin token create). The token stays in this browser tab only.',
  map_title: 'Besieged and hard-to-reach areas',
  map_caption: (shown, total) => `${shown} of ${total} areas on the map; governorate boundaries from OCHA.`,
  unplaced_title: 'Areas without coordinates',
  unplaced_note: 'The reference data gives no location for these; they are listed here, not dropped.',
  roads_note: 'Roads are drawn beside the areas they serve: the reference data has no road geometry.',
  roads_title: 'Road status', live_on: 'live', live_off: 'not live',
  col_road: 'Road', col_status: 'Status', col_observed: 'Observed', col_controlled_by: 'Controlled by',
  col_serves: 'Serves', col_reports: 'Reports', col_area: 'Area', col_need: 'People in need',
  col_requests: 'Requests', col_approved: 'Approved', col_delivered: 'Delivered',
  col_reached: 'People reached', col_days: 'Days since last delivery',
  col_people_requested: 'People requested', col_share_reached: 'Share of people reached',
  totals_title: 'Totals for the period',
  totals_note: 'Each request counts once, in the period of its planned date; an enclave\'s row is not added to its members.',
  group: 'Group', denied: 'Denied', all_aid: 'All aid deliveries', other_statuses: 'Other statuses',
  areas_count: (n) => `${n} areas`, mode_not_recorded: 'Mode not recorded',
  evacuations: 'Medical evacuations', requested_on: 'Requested on', kind: 'Kind', mode: 'Mode',
  correct: 'Correct a value recorded in error', corrected_outcome: 'Corrected outcome',
  access_title: 'Access report: need against reached',
  access_summary: (n, never) => `${n} areas; ${never} never reached by a recorded delivery.`,
  never: 'never', from: 'From', to: 'To', show: 'Show',
  denials_title: 'Access denials over time', split_by: 'Split by', party: 'Party', category: 'Category',
  any: 'any', other: 'other', month: 'Month', total: 'Total',
  export_shown: 'Export what is shown:',
  no_denials: 'No denial recorded for these filters.',
  convoys_title: 'Convoys', submit_title: 'Submit a convoy request', agency: 'Agency',
  planned_date: 'Planned date', manifest: 'Cargo (one line)', item: 'Item',
  cargo_category: 'Category', quantity: 'Quantity', unit: 'Unit',
  beneficiaries_requested: 'Beneficiaries requested', note: 'Note', submit: 'Submit',
  step_title: 'Record a step or an outcome', convoy: 'Convoy', step: 'Step', approve: 'Approve',
  deny: 'Deny', dispatch: 'Dispatch', outcome: 'Outcome',
  beneficiaries_approved: 'Beneficiaries approved', beneficiaries_reached: 'Beneficiaries reached',
  responsible_party: 'Responsible party', reason: 'Reason', occurred_on: 'Occurred on',
  record: 'Record', recent_convoys: 'Recent convoy requests',
  compliance_title: 'Agreements: who kept them, who broke them', agreement: 'Agreement',
  terms_breached: 'Terms breached', terms_kept: 'Terms kept', violations: 'Violations',
  consequences_due: 'Consequences due', violations_title: 'Violations and their evidence',
  when: 'When', term: 'Term', why: 'Why', evidence: 'Evidence',
  delays_title: 'Approval delays per step (working days, Sunday to Thursday)',
  authority: 'Authority', answered: 'Answered', pending: 'Pending', median: 'Median', worst: 'Worst',
  no_agreements: 'No agreement is registered yet (corridorctl agreements create).',
  compliance_summary: (name, from, to) => `${name}, ${from} to ${to}.`,
  submitted: (id) => `Convoy request ${id} recorded.`,
  stepped: (id, status) => `Convoy ${id} is now ${status}.`,
  signed_in_as: (name, role) => `${name} · ${role}`,
  bad_token: 'This token was not accepted.',
  footer: 'Sources: Siege Watch, OCHA (access-constraint categories, governorate boundaries); see data/reference/README.md. Every change is kept in each service\'s signed audit journal.',
  enums: {},
};

const ar = {
  title: 'الممر',
  nav_map: 'الخريطة', nav_roads: 'الطرق', nav_access: 'تقرير الوصول', nav_denials: 'حالات المنع',
  nav_convoys: 'القوافل', nav_compliance: 'الامتثال',
  token_label: 'رمز الدخول', sign_in: 'تسجيل الدخول', sign_out: 'تسجيل الخروج',
  skip: 'انتقل إلى المحتوى', sending: 'جارٍ الإرسال…',
  cargo_line: 'سطر الحمولة', add_cargo_line: 'أضف سطر حمولة', remove_line: 'احذف هذا السطر',
  road_report_title: 'الإبلاغ عن حالة طريق', checkpoint: 'الحاجز', source: 'المصدر',
  road_reported: (road, status) => `سُجّل: ${road} ${status}.`,
  required: 'مطلوب.', not_a_number: 'يجب أن يكون رقماً، صفراً أو أكثر.',
  date_before: (other) => `يجب ألا يسبق «${other}».`,
  check_fields: 'بعض الحقول تحتاج إلى تصحيح؛ انظر الملاحظات بجانبها.',
  denial_records_title: 'حالات المنع المحسوبة', col_id: 'السجل', col_people: 'عدد المتضررين',
  col_description: 'ما الذي مُنع', more: 'المزيد', reported_by: 'أبلغ عنه',
  denial_form_title: 'تسجيل حالة منع وصول', evidence_uri: 'الدليل (رابط)',
  road_changed: (road, status) => `\u2068${road}\u2069 الآن: ${status}.`,
  denial_recorded: (id) => `سُجّلت حالة المنع \u2068${id}\u2069.`,
  recorded_at: 'سُجّل في', revisions: 'المراجعات',
  records_shown: (n, more) => `عُرضت ${n} من حالات المنع${more ? '؛ والمزيد أدناه' : ''}.`,
  revision_line: (n, day, by, why) => `المراجعة ${n}، ${day}، بواسطة \u2068${by}\u2069${why ? `: \u2068${why}\u2069` : ''}`,
  signin_hint: 'سجّل الدخول برمز من المسؤول (corridorctl admin token create). يبقى الرمز في علامة التبويب هذه فقط.',
  map_title: 'المناطق المحاصرة والمناطق التي يصعب الوصول إليها',
  map_caption: (shown, total) => `${shown} من ${total} منطقة على الخريطة؛ حدود المحافظات من أوتشا.`,
  unplaced_title: 'مناطق بلا إحداثيات',
  unplaced_note: 'لا تذكر البيانات المرجعية موقعاً لهذه المناطق؛ فهي مدرجة هنا ولم تُحذف.',
  roads_note: 'الطرق مرسومة بجانب المناطق التي تخدمها: لا تتضمن البيانات المرجعية مسارات الطرق.',
  roads_title: 'حالة الطرق', live_on: 'مباشر', live_off: 'غير مباشر',
  col_road: 'الطريق', col_status: 'الحالة', col_observed: 'تاريخ الرصد', col_controlled_by: 'الجهة المسيطرة',
  col_serves: 'يخدم', col_reports: 'البلاغات', col_area: 'المنطقة', col_need: 'المحتاجون',
  col_requests: 'الطلبات', col_approved: 'الموافق عليها', col_delivered: 'المسلَّمة',
  col_reached: 'من وصلتهم المساعدة', col_days: 'أيام منذ آخر تسليم',
  col_people_requested: 'الأشخاص المطلوب الوصول إليهم', col_share_reached: 'نسبة من وصلتهم المساعدة',
  totals_title: 'مجاميع الفترة',
  totals_note: 'يُحسب كل طلب مرة واحدة، في فترة تاريخه المخطط؛ لا يُضاف صف الجيب المحاصر إلى مناطقه.',
  group: 'المجموعة', denied: 'المرفوضة', all_aid: 'جميع عمليات إيصال المساعدات', other_statuses: 'حالات أخرى',
  areas_count: (n) => `${n} منطقة`, mode_not_recorded: 'الوسيلة غير مسجلة',
  evacuations: 'عمليات الإجلاء الطبي', requested_on: 'تاريخ الطلب', kind: 'النوع', mode: 'وسيلة الإيصال',
  correct: 'تصحيح قيمة سُجّلت خطأً', corrected_outcome: 'النتيجة المصحَّحة',
  access_title: 'تقرير الوصول: الاحتياج مقابل من وصلتهم المساعدة',
  access_summary: (n, never) => `${n} منطقة؛ ${never} لم يصلها أي تسليم مسجَّل.`,
  never: 'أبداً', from: 'من', to: 'إلى', show: 'عرض',
  denials_title: 'حالات منع الوصول عبر الزمن', split_by: 'التقسيم حسب', party: 'الطرف', category: 'الفئة',
  any: 'الكل', other: 'أخرى', month: 'الشهر', total: 'المجموع',
  export_shown: 'تصدير المعروض:',
  no_denials: 'لا توجد حالات منع مسجلة لهذه المرشحات.',
  convoys_title: 'القوافل', submit_title: 'تقديم طلب قافلة', agency: 'الوكالة',
  planned_date: 'التاريخ المخطط', manifest: 'الحمولة (سطر واحد)', item: 'الصنف',
  cargo_category: 'الفئة', quantity: 'الكمية', unit: 'الوحدة',
  beneficiaries_requested: 'المستفيدون المطلوبون', note: 'ملاحظة', submit: 'تقديم',
  step_title: 'تسجيل خطوة أو نتيجة', convoy: 'القافلة', step: 'الخطوة', approve: 'موافقة',
  deny: 'رفض', dispatch: 'إرسال', outcome: 'النتيجة',
  beneficiaries_approved: 'المستفيدون الموافق عليهم', beneficiaries_reached: 'المستفيدون الذين وصلتهم المساعدة',
  responsible_party: 'الطرف المسؤول', reason: 'السبب', occurred_on: 'تاريخ الحدوث',
  record: 'تسجيل', recent_convoys: 'أحدث طلبات القوافل',
  compliance_title: 'الاتفاقات: من التزم بها ومن خرقها', agreement: 'الاتفاق',
  terms_breached: 'البنود المخروقة', terms_kept: 'البنود المحترمة', violations: 'الخروقات',
  consequences_due: 'العواقب المستحقة', violations_title: 'الخروقات وأدلتها',
  when: 'التاريخ', term: 'البند', why: 'السبب', evidence: 'الدليل',
  delays_title: 'التأخير في خطوات الموافقة (أيام العمل، من الأحد إلى الخميس)',
  authority: 'الجهة', answered: 'أُجيب', pending: 'معلّق', median: 'الوسيط', worst: 'الأسوأ',
  no_agreements: 'لم يُسجَّل أي اتفاق بعد (corridorctl agreements create).',
  compliance_summary: (name, from, to) => `${name}، من ${from} إلى ${to}.`,
  submitted: (id) => `سُجّل طلب القافلة ${id}.`,
  stepped: (id, status) => `حالة القافلة ${id} الآن: ${status}.`,
  signed_in_as: (name, role) => `${name} · ${role}`,
  bad_token: 'لم يُقبل هذا الرمز.',
  footer: 'المصادر: Siege Watch وأوتشا (فئات قيود الوصول وحدود المحافظات)؛ انظر data/reference/README.md. يُحفظ كل تغيير في سجل التدقيق الموقَّع لكل خدمة.',
  enums: {
    AREA_STATUS_BESIEGED: 'محاصرة', AREA_STATUS_HARD_TO_REACH: 'يصعب الوصول إليها',
    AREA_STATUS_WATCHLIST: 'قائمة المراقبة', AREA_STATUS_SIEGE_BROKEN: 'كُسر الحصار',
    AREA_STATUS_EVACUATED: 'أُخليت', AREA_STATUS_SURRENDERED: 'استسلمت',
    AREA_STATUS_CAPTURED: 'سيطر عليها', AREA_STATUS_UNCONFIRMED: 'غير مؤكد',
    ROUTE_STATUS_OPEN: 'مفتوح', ROUTE_STATUS_RESTRICTED: 'مقيَّد', ROUTE_STATUS_CLOSED: 'مغلق',
    ROUTE_STATUS_UNDER_FIRE: 'تحت النيران', ROUTE_STATUS_UNKNOWN: 'غير معروف',
    CONVOY_STATUS_REQUESTED: 'مطلوبة', CONVOY_STATUS_APPROVED: 'موافق عليها',
    CONVOY_STATUS_PARTIALLY_APPROVED: 'موافق عليها جزئياً', CONVOY_STATUS_DENIED: 'مرفوضة',
    CONVOY_STATUS_DISPATCHED: 'أُرسلت', CONVOY_STATUS_DELIVERED: 'سُلّمت',
    CONVOY_STATUS_PARTIALLY_DELIVERED: 'سُلّمت جزئياً', CONVOY_STATUS_TURNED_BACK: 'أُعيدت',
    CONVOY_STATUS_ATTACKED: 'تعرضت لهجوم', CONVOY_STATUS_CANCELLED: 'أُلغيت',
    CARGO_CATEGORY_FOOD: 'غذاء', CARGO_CATEGORY_MEDICAL: 'طبية', CARGO_CATEGORY_HEALTH: 'صحة',
    CARGO_CATEGORY_WASH: 'مياه وصرف صحي ونظافة', CARGO_CATEGORY_SHELTER: 'مأوى',
    CARGO_CATEGORY_EDUCATION: 'تعليم', CARGO_CATEGORY_OTHER: 'أخرى',
    DELIVERY_MODE_ROAD: 'برّاً عبر خطوط التماس', DELIVERY_MODE_CROSS_BORDER: 'عبر الحدود',
    DELIVERY_MODE_AIRDROP: 'إسقاط جوي', DELIVERY_MODE_AIRLIFT: 'جسر جوي',
    REQUEST_KIND_AID_DELIVERY: 'إيصال مساعدات', REQUEST_KIND_MEDICAL_EVACUATION: 'إجلاء طبي',
    ROLE_COORDINATOR: 'منسق', ROLE_PARTNER: 'شريك', ROLE_OVERSIGHT: 'رقابة', ROLE_ADMIN: 'مسؤول',
  },
};

const languages = { en, ar };
let current = 'en';

export function setLanguage(lang) {
  current = languages[lang] ? lang : 'en';
  document.documentElement.lang = current;
  document.documentElement.dir = current === 'ar' ? 'rtl' : 'ltr';
  localStorage.setItem('corridor-lang', current);
  for (const el of document.querySelectorAll('[data-i18n]')) {
    const text = t(el.dataset.i18n);
    if (typeof text === 'string') el.textContent = text;
  }
}

export function language() { return current; }

export function initialLanguage() { return localStorage.getItem('corridor-lang') || 'en'; }

export function t(key, ...args) {
  const value = languages[current][key] ?? en[key] ?? key;
  return typeof value === 'function' ? value(...args) : value;
}

// "ROUTE_STATUS_UNDER_FIRE" → "Under fire" (or its Arabic word).
const prefixes = ['AREA_STATUS_', 'ROUTE_STATUS_', 'CONVOY_STATUS_', 'CARGO_CATEGORY_',
  'ACCESS_CONSTRAINT_', 'ROLE_', 'CONFIDENCE_', 'DELIVERY_MODE_', 'REQUEST_KIND_'];
export function enumLabel(name) {
  if (!name) return '';
  const word = languages[current].enums[name];
  if (word) return word;
  let short = name;
  for (const p of prefixes) if (short.startsWith(p)) short = short.slice(p.length);
  short = short.replaceAll('_', ' ').toLowerCase();
  return short.charAt(0).toUpperCase() + short.slice(1);
}

// The area's name in the chosen language (the English one when no Arabic
// name is recorded).
export function areaName(area) {
  if (!area) return '';
  return current === 'ar' && area.name_ar ? area.name_ar : area.name_en;
}
