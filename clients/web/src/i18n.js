// The dashboard's words in English and Arabic. Enum values fall back to a
// readable form of their .proto name when a language has no word for them.

const en = {
  title: 'Corridor',
  nav_map: 'Map', nav_roads: 'Roads', nav_access: 'Access report', nav_denials: 'Denials',
  nav_convoys: 'Convoys', nav_compliance: 'Compliance', nav_incidents: 'Incidents',
  token_label: 'Access token', sign_in: 'Sign in', sign_out: 'Sign out',
  skip: 'Skip to content', sending: 'Sending…',
  cargo_line: 'Cargo line', add_cargo_line: 'Add a cargo line', remove_line: 'Remove this line',
  road_report_title: 'Report a road\'s status', checkpoint: 'Checkpoint', source: 'Source',
  road_reported: (road, status) => `Recorded: ${road} is ${status}.`,
  required: 'Required.', not_a_number: 'Must be a number, 0 or more.',
  whole_number: (max) => `Must be a whole number, at most ${max}.`,
  service_note: (text) => text,
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
  incidents_title: 'Incidents: attacks, weapons used, and who is held responsible',
  incidents_note: 'Each source keeps its own casualty figures; a count not known is left blank, never guessed. A low-confidence attribution is an allegation.',
  weapon: 'Weapon', type: 'Type', killed: 'Killed', injured: 'Injured', place: 'Place',
  attribution: 'Held responsible (confidence)', sources_count: 'Sources',
  no_incidents: 'No incident recorded for these months.', no_weapon_stated: 'no weapon stated',
  no_party_named: 'no party named', incident_records_title: 'The incidents, newest first',
  incidents_chart: 'Incidents by month', incidents_on_map: 'Incidents (▲) are drawn where they happened.',
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
  consequences_applied: 'Consequences applied', without_consequence: 'Violations without consequence',
  term_unconfirmed: (id) => `${id} (unconfirmed)`, violations_unconfirmed: (n, u) => `${n} (${u} unconfirmed)`,
  consequence_state: 'Consequence', consequence_applied: (on, by) => `applied ${on}${by ? ` by ${by}` : ''}`,
  consequence_not_applied: (on) => `not applied (${on})`, consequence_none: 'none recorded',
  unconfirmed_allegation: 'unconfirmed: not counted as established',
  when: 'When', term: 'Term', why: 'Why', evidence: 'Evidence',
  delays_title: 'Approval delays per step (working days, Sunday to Thursday)',
  authority: 'Authority', answered: 'Answered', pending: 'Pending', median: 'Median', worst: 'Worst',
  no_agreements: 'No agreement is registered yet (corridorctl agreements create).',
  compliance_summary: (name, from, to) => `${name}, ${from} to ${to}.`,
  submitted: (id) => `Convoy request ${id} recorded.`,
  stepped: (id, status) => `Convoy ${id} is now ${status}.`,
  signed_in_as: (name, role) => `${name} · ${role}`,
  bad_token: 'This token was not accepted.',
  export_csv: 'Export CSV', export_table: 'Export this table (CSV)',
  rows_shown: (n, more) => `${n} shown${more ? '; “More” loads the next page' : ''}.`,
  convoy_records_title: 'Convoy requests', agency_filter: 'Agency', planned_from: 'Planned from',
  planned_to: 'Planned to', history: 'History', cargo: 'Cargo', removed: 'Removed', refused: 'Refused',
  approval_steps: 'Approval steps', asked_on: 'Asked on', answered_on: 'Answered on', answer: 'Answer',
  recorded_by: 'Recorded by', position: 'Position', withdraw: 'Withdraw', withdrawn: 'withdrawn',
  withdraw_reason: 'Why it is withdrawn', withdraw_denial: 'Withdraw this denial (recorded in error)',
  withdraw_report: 'Withdraw this report (filed in error)', withdrew: 'Withdrawn.',
  confirm_denial: 'Confirm this partner\'s report as it stands', confirm_reason: 'How it was checked',
  confirmed: 'Confirmed.', unconfirmed: 'reported by a partner, not yet confirmed',
  superseded_by: (n) => `superseded by report ${n}`, correction: 'Correction',
  withdrawn_by: (n) => `withdrawn (report ${n})`, withdrawal_of: (n) => `withdraws report ${n}`,
  record_step_for: 'Record a step for this convoy',
  correct_denial: 'Correct this denial', correction_reason: 'Why it is corrected', corrected: 'Corrected.',
  correct_report: 'Correct this report',
  denial_id: 'Denial record', approved_on: 'Approved on', dispatched_on: 'Dispatched on',
  outcome_on: 'Outcome on', road_reports_title: 'Reports on a road, one by one', all_roads: 'Road',
  violation_records_title: 'Violations, record by record', include_superseded: 'Include superseded',
  journal_entry: 'Journal entry', state: 'State', days_late: 'Days late',
  area_page: 'Area', close: 'Close', status_history: 'Status history', pcode: 'P-code',
  governorate: 'Governorate', population: 'Population (as reported)', besieged_by: 'Besieged by', area_convoys: 'Convoy requests for this area',
  area_denials: 'Denials in this area', days_since_delivery: 'Days since last delivery',
  never_delivered: 'No delivery recorded', open_area: (name) => `Open ${name}'s page`,
  zoom_in: 'Zoom in', zoom_out: 'Zoom out', zoom_reset: 'Whole country',
  cluster: (n) => `${n} areas here; select to zoom in`,
  approval_step: 'Approval step (letter, governor, committee…)', step_name: 'Step name',
  losses_title: 'Removed or refused, per cargo line', line_of: (n, item) => `Line ${n}: ${item}`,
  bar_records: (month, label) => `Showing the denials of ${month} (${label}).`,
  all_of_month: 'all of them: “other” has no filter of its own',
  month_records: 'Show the records', none_yet: 'Nothing recorded.',
  error_reason: {
    VERSION_CONFLICT: 'Someone changed this record meanwhile: reload it and try again.',
    ROLE_NOT_ALLOWED: 'Your role may not do this.',
    OTHER_AGENCY: 'A partner may only act for its own agency.',
    TOKEN_REJECTED: 'Your token was not accepted: sign in again.',
    READ_ONLY_MIRROR: 'This server is a read-only mirror: enter records on the primary.',
    REQUEST_APPLIED_REPLY_LOST: 'It was recorded, but the answer was lost: reload before trying again.',
  },
  footer: 'Sources: Siege Watch, OCHA (access-constraint categories, governorate boundaries); see data/reference/README.md. Every change is kept in each service\'s signed audit journal.',
  enums: {},
};

const ar = {
  title: 'الممر',
  nav_map: 'الخريطة', nav_roads: 'الطرق', nav_access: 'تقرير الوصول', nav_denials: 'حالات المنع',
  nav_convoys: 'القوافل', nav_compliance: 'الامتثال', nav_incidents: 'الحوادث',
  token_label: 'رمز الدخول', sign_in: 'تسجيل الدخول', sign_out: 'تسجيل الخروج',
  skip: 'انتقل إلى المحتوى', sending: 'جارٍ الإرسال…',
  cargo_line: 'سطر الحمولة', add_cargo_line: 'أضف سطر حمولة', remove_line: 'احذف هذا السطر',
  road_report_title: 'الإبلاغ عن حالة طريق', checkpoint: 'الحاجز', source: 'المصدر',
  road_reported: (road, status) => `سُجّل: ${road} ${status}.`,
  required: 'مطلوب.', not_a_number: 'يجب أن يكون رقماً، صفراً أو أكثر.',
  whole_number: (max) => `يجب أن يكون عدداً صحيحاً لا يتجاوز ${max}.`,
  service_note: (text) => `قيمة غير مقبولة (\u2068${text}\u2069)`,
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
  incidents_title: 'الحوادث: الهجمات والأسلحة المستخدمة والجهة المسؤولة',
  incidents_note: 'يحتفظ كل مصدر بأرقامه عن الضحايا؛ الرقم غير المعروف يُترك فارغاً ولا يُخمَّن. النسبة منخفضة الثقة ادعاء.',
  weapon: 'السلاح', type: 'النوع', killed: 'القتلى', injured: 'الجرحى', place: 'المكان',
  attribution: 'الجهة المسؤولة (الثقة)', sources_count: 'المصادر',
  no_incidents: 'لا حوادث مسجلة في هذه الأشهر.', no_weapon_stated: 'لم يُذكر سلاح',
  no_party_named: 'لم تُسمَّ جهة', incident_records_title: 'الحوادث، الأحدث أولاً',
  incidents_chart: 'الحوادث حسب الشهر', incidents_on_map: 'تُرسم الحوادث (▲) حيث وقعت.',
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
  consequences_applied: 'العواقب المطبّقة', without_consequence: 'خروقات بلا عاقبة',
  term_unconfirmed: (id) => `${id} (غير مؤكد)`, violations_unconfirmed: (n, u) => `${n} (${u} غير مؤكدة)`,
  consequence_state: 'العاقبة', consequence_applied: (on, by) => `طُبّقت في ${on}${by ? ` من قِبل ${by}` : ''}`,
  consequence_not_applied: (on) => `لم تُطبَّق (${on})`, consequence_none: 'لم يُسجَّل شيء',
  unconfirmed_allegation: 'غير مؤكد: لا يُحتسب خرقاً ثابتاً',
  when: 'التاريخ', term: 'البند', why: 'السبب', evidence: 'الدليل',
  delays_title: 'التأخير في خطوات الموافقة (أيام العمل، من الأحد إلى الخميس)',
  authority: 'الجهة', answered: 'أُجيب', pending: 'معلّق', median: 'الوسيط', worst: 'الأسوأ',
  no_agreements: 'لم يُسجَّل أي اتفاق بعد (corridorctl agreements create).',
  compliance_summary: (name, from, to) => `${name}، من ${from} إلى ${to}.`,
  submitted: (id) => `سُجّل طلب القافلة ${id}.`,
  stepped: (id, status) => `حالة القافلة ${id} الآن: ${status}.`,
  signed_in_as: (name, role) => `${name} · ${role}`,
  bad_token: 'لم يُقبل هذا الرمز.',
  export_csv: 'تصدير CSV', export_table: 'تصدير هذا الجدول (CSV)',
  rows_shown: (n, more) => `عُرض ${n}${more ? '؛ زر «المزيد» يحمّل الصفحة التالية' : ''}.`,
  convoy_records_title: 'طلبات القوافل', agency_filter: 'الوكالة', planned_from: 'مخطط من',
  planned_to: 'مخطط إلى', history: 'السجل', cargo: 'الحمولة', removed: 'أُزيل', refused: 'رُفض',
  approval_steps: 'خطوات الموافقة', asked_on: 'تاريخ الطلب', answered_on: 'تاريخ الرد', answer: 'الرد',
  recorded_by: 'سجّله', position: 'الموضع', withdraw: 'سحب', withdrawn: 'مسحوب',
  withdraw_reason: 'سبب السحب', withdraw_denial: 'سحب حالة المنع هذه (سُجّلت خطأً)',
  withdraw_report: 'سحب هذا البلاغ (قُدّم خطأً)', withdrew: 'سُحب.',
  confirm_denial: 'تأكيد بلاغ الشريك كما هو', confirm_reason: 'كيف جرى التحقق',
  confirmed: 'أُكّد.', unconfirmed: 'أبلغ عنه شريك ولم يُؤكَّد بعد',
  superseded_by: (n) => `استُبدل بالبلاغ ${n}`, correction: 'تصحيح',
  withdrawn_by: (n) => `مسحوب (البلاغ ${n})`, withdrawal_of: (n) => `يسحب البلاغ ${n}`,
  record_step_for: 'سجّل خطوة لهذه القافلة',
  correct_denial: 'تصحيح حالة المنع هذه', correction_reason: 'سبب التصحيح', corrected: 'صُحّح.',
  correct_report: 'تصحيح هذا البلاغ',
  denial_id: 'سجل حالة المنع', approved_on: 'تاريخ الموافقة', dispatched_on: 'تاريخ الإرسال',
  outcome_on: 'تاريخ النتيجة', road_reports_title: 'بلاغات طريق، واحداً واحداً', all_roads: 'الطريق',
  violation_records_title: 'الخروقات، سجلاً سجلاً', include_superseded: 'مع المستبدلة',
  journal_entry: 'قيد السجل', state: 'الوضع', days_late: 'أيام التأخير',
  area_page: 'المنطقة', close: 'إغلاق', status_history: 'تاريخ الحالة', pcode: 'الرمز المكاني',
  governorate: 'المحافظة', population: 'عدد السكان (كما ورد)', besieged_by: 'يحاصرها', area_convoys: 'طلبات القوافل لهذه المنطقة',
  area_denials: 'حالات المنع في هذه المنطقة', days_since_delivery: 'أيام منذ آخر تسليم',
  never_delivered: 'لا يوجد تسليم مسجَّل', open_area: (name) => `افتح صفحة \u2068${name}\u2069`,
  zoom_in: 'تكبير', zoom_out: 'تصغير', zoom_reset: 'البلد كله',
  // Arabic counts agree with their number: منطقتان، 3-10 مناطق، 11+ منطقة.
  cluster: (n) => {
    const form = new Intl.PluralRules('ar').select(n);
    const noun = { two: 'منطقتان', few: `${n} مناطق`, many: `${n} منطقة`, other: `${n} منطقة` }[form] ?? `${n} منطقة`;
    return `${noun} هنا؛ اختر للتكبير`;
  },
  approval_step: 'خطوة موافقة (رسالة، محافظ، لجنة…)', step_name: 'اسم الخطوة',
  losses_title: 'ما أُزيل أو رُفض، لكل سطر حمولة', line_of: (n, item) => `السطر ${n}: \u2068${item}\u2069`,
  bar_records: (month, label) => `تُعرض حالات المنع في ${month} (\u2068${label}\u2069).`,
  all_of_month: 'كلها: «أخرى» بلا مرشح خاص بها',
  month_records: 'اعرض السجلات', none_yet: 'لا شيء مسجَّل.',
  error_reason: {
    VERSION_CONFLICT: 'غيّر أحدهم هذا السجل في الأثناء: أعد تحميله وحاول مجدداً.',
    ROLE_NOT_ALLOWED: 'دورك لا يسمح بهذا.',
    OTHER_AGENCY: 'لا يعمل الشريك إلا باسم وكالته.',
    TOKEN_REJECTED: 'لم يُقبل رمزك: سجّل الدخول مجدداً.',
    READ_ONLY_MIRROR: 'هذا الخادم نسخة للقراءة فقط: سجّل على الخادم الرئيسي.',
    REQUEST_APPLIED_REPLY_LOST: 'سُجّل الطلب لكن الرد ضاع: أعد التحميل قبل المحاولة مجدداً.',
    INVALID_FIELD: 'قيمة غير مقبولة في حقل.', INVALID_REQUEST: 'الطلب غير مقبول.',
    NOT_FOUND: 'السجل غير موجود.', ALREADY_EXISTS: 'السجل موجود مسبقاً.',
    FAILED_PRECONDITION: 'لا يمكن ذلك في حالة السجل الحالية.',
    LIMIT_EXCEEDED: 'تجاوز الحد المسموح.', REQUEST_ID_REUSED: 'أُعيد استخدام معرّف طلب لطلب آخر.',
    UNAVAILABLE: 'الخدمة غير متاحة الآن: حاول بعد قليل.', DEADLINE_EXCEEDED: 'انتهت المهلة: حاول بعد قليل.',
    SERVER_FAULT: 'خطأ في الخادم.',
  },
  service_says: 'رسالة الخدمة',
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
    // OCHA's access-constraint categories (AMRF 2012). Working translations
    // of the English names, not OCHA's own Arabic wording.
    ACCESS_CONSTRAINT_ENTRY_IMPEDIMENTS: 'عوائق الدخول إلى البلد',
    ACCESS_CONSTRAINT_MOVEMENT_RESTRICTION: 'تقييد الحركة',
    ACCESS_CONSTRAINT_INTERFERENCE: 'التدخل في العمل الإنساني',
    ACCESS_CONSTRAINT_VIOLENCE: 'العنف ضد العاملين الإنسانيين ومرافقهم',
    ACCESS_CONSTRAINT_DENIAL_OF_NEEDS: 'إنكار الاحتياجات أو الحق في المساعدة',
    ACCESS_CONSTRAINT_SERVICE_OBSTRUCTION: 'عرقلة وصول السكان إلى الخدمات',
    ACCESS_CONSTRAINT_HOSTILITIES: 'الأعمال العدائية الجارية',
    ACCESS_CONSTRAINT_EXPLOSIVE_HAZARDS: 'مخاطر المتفجرات',
    ACCESS_CONSTRAINT_PHYSICAL_ENVIRONMENT: 'عوائق مادية وبيئية',
    CONFIDENCE_LOW: 'منخفضة', CONFIDENCE_MEDIUM: 'متوسطة', CONFIDENCE_HIGH: 'عالية',
    STEP_OUTCOME_PENDING: 'بلا رد بعد', STEP_OUTCOME_GRANTED: 'مُنحت', STEP_OUTCOME_REFUSED: 'رُفضت',
    VIOLATION_STATE_ACTIVE: 'قائم', VIOLATION_STATE_SUPERSEDED: 'مستبدل',
    INCIDENT_TYPE_AIR_STRIKE: 'غارة جوية', INCIDENT_TYPE_SHELLING: 'قصف مدفعي',
    INCIDENT_TYPE_GROUND_ATTACK: 'هجوم بري', INCIDENT_TYPE_SNIPER: 'قنص',
    INCIDENT_TYPE_LANDMINE_OR_IED: 'لغم أو عبوة ناسفة', INCIDENT_TYPE_CHEMICAL: 'هجوم كيميائي',
    INCIDENT_TYPE_ATTACK_ON_CONVOY: 'هجوم على قافلة',
    INCIDENT_TYPE_ATTACK_ON_MEDICAL_FACILITY: 'هجوم على منشأة طبية',
    INCIDENT_TYPE_ATTACK_ON_AID_WORKERS: 'هجوم على عاملين إنسانيين', INCIDENT_TYPE_OTHER: 'أخرى',
    WEAPON_BARREL_BOMB: 'برميل متفجر', WEAPON_CLUSTER_MUNITION: 'ذخائر عنقودية',
    WEAPON_INCENDIARY: 'أسلحة حارقة أو فوسفور أبيض', WEAPON_CHEMICAL: 'كلور أو مادة كيميائية أخرى',
    WEAPON_LANDMINE: 'لغم أرضي', WEAPON_SEA_MINE: 'لغم بحري',
    WEAPON_UNGUIDED_AIR_DROPPED_BOMB: 'قنبلة جوية غير موجهة', WEAPON_ARTILLERY: 'مدفعية',
    WEAPON_ROCKET: 'صواريخ', WEAPON_OTHER: 'سلاح آخر',
    ATTRIBUTION_CONFIDENCE_LOW: 'منخفضة، ادعاء', ATTRIBUTION_CONFIDENCE_MEDIUM: 'متوسطة',
    ATTRIBUTION_CONFIDENCE_HIGH: 'عالية',
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
  'ACCESS_CONSTRAINT_', 'ROLE_', 'CONFIDENCE_', 'DELIVERY_MODE_', 'REQUEST_KIND_',
  'STEP_OUTCOME_', 'VIOLATION_STATE_', 'INCIDENT_TYPE_', 'WEAPON_', 'ATTRIBUTION_CONFIDENCE_'];
export function enumLabel(name) {
  if (!name || name.endsWith('_UNSPECIFIED')) return '';
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

// A day in the chosen language's format, whatever the browser's: "3 Sep
// 2016", "3 أيلول 2016" (digits stay Western, as in every table here).
// Takes a timestamp ("2016-09-03T00:00:00Z") or a Date message.
export function formatDay(value) {
  if (!value) return '';
  const date = typeof value === 'string' ? new Date(value)
    : (value.year ? new Date(Date.UTC(value.year, (value.month || 1) - 1, value.day || 1)) : null);
  if (!date || Number.isNaN(date.getTime())) return '';
  return new Intl.DateTimeFormat(current === 'ar' ? 'ar-SY-u-nu-latn' : 'en-GB',
    { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(date);
}

// A service's refusal in the chosen language: the sentence for its stable
// reason when there is one, then the service's own (English) message,
// isolated so that it does not scramble inside Arabic text.
export function serviceError(reason, message) {
  const lead = languages[current].error_reason?.[reason];
  if (current === 'en') return lead && !message ? lead : (message || lead || '');
  if (!lead) return message ? `${t('service_says')}: \u2068${message}\u2069` : '';
  return message ? `${lead} (\u2068${message}\u2069)` : lead;
}

// A count with thousands separators in the chosen language, digits Western
// as in every table here: 200000 → "200,000" (English) or "200,000" with
// Arabic separators. Anything not a number is shown as it is.
export function formatNumber(value) {
  if (value === undefined || value === null || value === '') return '';
  const n = Number(value);
  if (!Number.isFinite(n)) return String(value);
  return n.toLocaleString(current === 'ar' ? 'ar-SY-u-nu-latn' : 'en-GB');
}
