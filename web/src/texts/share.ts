/** Texts of the share work, merged into i18n.ts's dictionaries; en mirrors zh key for key. */
export const zh = {
  'share.assign': '分派',
  'share.assigned': '已分派',
  'share.publicReasonHint': '这是数据开放网转来的社会公众需求：理由会显示给提出需求的开发者，并在数据开放网公开',
  'share.assignTo': '分派给（数源单位）',
  'share.assignToHint': '输入部门名称查找',
  'share.assignToRequired': '请选择承接该需求的部门',
  'share.assignHint':
    '{{consumer}} 需要目录中尚无的数据：{{need}}。分派后，承接部门须在 5 个工作日内登记资源并确认，或说明理由拒绝。',
  'share.assignDone': '需求 #{{id}} 已分派给 {{org}}',
  'share.fulfil': '登记资源并确认',
  'share.fulfilNeed': '{{consumer}} 需要：{{need}}',
  'share.fulfilHint':
    '请选择本部门为该需求登记并已发布的数据资源，以及提供给需求方的信息项；尚未登记的，请先登记资源并提交审核。',
  'share.registerForDemand': '去登记资源',
  'share.fulfilResource': '为该需求登记的资源',
  'share.fulfilNoResource': '本部门暂无已发布的资源',
  'share.applyForUse': '申请使用',
  'share.applyHint': '向数源单位申请使用该资源的数据：选择信息项、用途和依据，数源单位在 5 个工作日内答复。',
  'share.indicatorDefinition': '指标定义',
  'share.numerator': '分子',
  'share.denominator': '分母',
  'share.period': '统计期',
  'share.source': '数据来源',
  'share.taskOpen': '打开办理',
  'share.indicatorPeriod': '截至当前的快照（登记及时率：迄今全部提交）',
  'share.indexDefinition':
    '100 ×（0.30 编目率 + 0.30 挂接率 + 0.20 登记及时率 + 0.10 可共享率 + 0.10 可开放率）；无分母的比率按 100% 计，无资源的部门为 0',
  'share.cityIsSum': '全市的每个比率 = 各部门分子之和 ÷ 各部门分母之和，与各部门同一口径',
  'share.correctionScopeOrg': '本部门（{{org}}）作为数源单位',
  'share.correctionScopeCity': '全市',
} satisfies Record<string, string>;

export const en: typeof zh = {
  'share.assign': 'Assign',
  'share.assigned': 'Assigned',
  'share.publicReasonHint':
    'A request from the public, through the open-data portal: the reason is shown to the developer who asked and published on the portal',
  'share.assignTo': 'Assign to (provider)',
  'share.assignToHint': 'Type a department name',
  'share.assignToRequired': 'Choose the department that takes the demand',
  'share.assignHint':
    '{{consumer}} needs data not yet in the catalog: {{need}}. The department assigned registers a resource and confirms within 5 working days, or refuses with a reason.',
  'share.assignDone': 'Demand #{{id}} assigned to {{org}}',
  'share.fulfil': 'Confirm with a resource',
  'share.fulfilNeed': '{{consumer}} needs: {{need}}',
  'share.fulfilHint':
    'Choose the published resource your department registered for this demand and the fields the consumer gets; if there is none yet, register one and submit it for review first.',
  'share.registerForDemand': 'Register a resource',
  'share.fulfilResource': 'Resource registered for the demand',
  'share.fulfilNoResource': 'Your department has no published resource yet',
  'share.applyForUse': 'Apply for use',
  'share.applyHint':
    "Apply to the provider for this resource's data: choose fields, purpose and basis; the provider answers within 5 working days.",
  'share.indicatorDefinition': 'Definition',
  'share.numerator': 'Numerator',
  'share.denominator': 'Denominator',
  'share.period': 'Period',
  'share.source': 'Source',
  'share.taskOpen': 'Open',
  'share.indicatorPeriod': 'A snapshot as of now (timeliness: every submission so far)',
  'share.indexDefinition':
    '100 × (0.30 cataloguing + 0.30 mount + 0.20 timeliness + 0.10 sharing + 0.10 opening); a rate with nothing to divide counts as 100 %, a department without resources scores 0',
  'share.cityIsSum':
    "Each city rate = the departments' numerators added up ÷ their denominators added up: the same definition as a department's",
  'share.correctionScopeOrg': 'Your department ({{org}}) as a provider',
  'share.correctionScopeCity': 'City-wide',
};
