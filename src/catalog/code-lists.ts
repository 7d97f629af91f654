/**
 * National code lists (代码集) that data elements take their values from, each entry with the
 * code and the label its standard gives. Department systems export either form (most export the
 * code: 性别 1/2); the hub accepts both and stores the label, the form the catalog and every
 * record already hold, so that lookups, exports and joins compare one form.
 */
export interface CodeEntry {
  code: string;
  label: string;
}

export interface CodeList {
  /** The standard the codes come from, as people cite it. */
  standard: string;
  entries: readonly CodeEntry[];
}

const list = (standard: string, pairs: Array<[string, string]>): CodeList => ({
  standard,
  entries: pairs.map(([code, label]) => ({ code, label })),
});

/** GB/T 2261.1-2003 人的性别代码. */
export const GENDER = list('GB/T 2261.1', [
  ['0', '未知的性别'],
  ['1', '男'],
  ['2', '女'],
  ['9', '未说明的性别'],
]);

/** GB/T 2261.2-2003 婚姻状况代码. */
export const MARITAL_STATUS = list('GB/T 2261.2', [
  ['10', '未婚'],
  ['20', '已婚'],
  ['21', '初婚'],
  ['22', '再婚'],
  ['23', '复婚'],
  ['30', '丧偶'],
  ['40', '离婚'],
  ['90', '未说明的婚姻状况'],
]);

/** GB/T 3304-1991 中国各民族名称的罗马字母拼写法和代码: the 56 民族, 其他 and 外国血统中国籍人士. */
export const ETHNICITY = list('GB/T 3304', [
  ['01', '汉族'],
  ['02', '蒙古族'],
  ['03', '回族'],
  ['04', '藏族'],
  ['05', '维吾尔族'],
  ['06', '苗族'],
  ['07', '彝族'],
  ['08', '壮族'],
  ['09', '布依族'],
  ['10', '朝鲜族'],
  ['11', '满族'],
  ['12', '侗族'],
  ['13', '瑶族'],
  ['14', '白族'],
  ['15', '土家族'],
  ['16', '哈尼族'],
  ['17', '哈萨克族'],
  ['18', '傣族'],
  ['19', '黎族'],
  ['20', '傈僳族'],
  ['21', '佤族'],
  ['22', '畲族'],
  ['23', '高山族'],
  ['24', '拉祜族'],
  ['25', '水族'],
  ['26', '东乡族'],
  ['27', '纳西族'],
  ['28', '景颇族'],
  ['29', '柯尔克孜族'],
  ['30', '土族'],
  ['31', '达斡尔族'],
  ['32', '仫佬族'],
  ['33', '羌族'],
  ['34', '布朗族'],
  ['35', '撒拉族'],
  ['36', '毛南族'],
  ['37', '仡佬族'],
  ['38', '锡伯族'],
  ['39', '阿昌族'],
  ['40', '普米族'],
  ['41', '塔吉克族'],
  ['42', '怒族'],
  ['43', '乌孜别克族'],
  ['44', '俄罗斯族'],
  ['45', '鄂温克族'],
  ['46', '德昂族'],
  ['47', '保安族'],
  ['48', '裕固族'],
  ['49', '京族'],
  ['50', '塔塔尔族'],
  ['51', '独龙族'],
  ['52', '鄂伦春族'],
  ['53', '赫哲族'],
  ['54', '门巴族'],
  ['55', '珞巴族'],
  ['56', '基诺族'],
  ['97', '其他'],
  ['98', '外国血统中国籍人士'],
]);

export const labelsOf = (codes: CodeList): string[] => codes.entries.map((e) => e.label);

/**
 * The label a value stands for: the label itself, or the label of its code. A spreadsheet that
 * dropped a code's leading zero (民族 "1" for "01") still finds it, since every code of a list
 * has the same width. Undefined when the value is neither.
 */
export function labelFor(codes: CodeList, value: string): string | undefined {
  const text = value.trim();
  const width = codes.entries[0]?.code.length ?? 0;
  const code = /^\d+$/.test(text) && text.length < width ? text.padStart(width, '0') : text;
  return codes.entries.find((e) => e.code === code || e.label === text)?.label;
}
