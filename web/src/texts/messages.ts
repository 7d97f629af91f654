/** Texts of the messages work, merged into i18n.ts's dictionaries; en mirrors zh key for key. */
export const zh = {
  'messages.cellAt': '工作表「{{sheet}}」第 {{row}} 行 {{column}} 列',
  'messages.reasonSeparator': '：',
} satisfies Record<string, string>;
export const en: typeof zh = {
  'messages.cellAt': 'sheet {{sheet}}, row {{row}}, column {{column}}',
  'messages.reasonSeparator': ': ',
};
