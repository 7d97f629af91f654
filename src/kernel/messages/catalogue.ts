/**
 * Every server message, in Chinese (zh-CN, the default) and English. A key is `<area>.<name>`;
 * `{name}` in a template is a param of the message. Templates never quote a user's value that
 * could be personal data: params name codes, counts, limits and field names.
 * catalogue.test.ts checks that both languages name the same params and that Chinese templates
 * hold no English words beyond the codes and formats people type (XLSX, GB/T 2260, YYYY-MM-DD…).
 */
export const MESSAGES = {
  // kernel: shapes shared by every module
  'kernel.fieldReason': { zh: '{field}：{reason}', en: '{field}: {reason}' },
  'kernel.problemList': { zh: '{problems}', en: '{problems}' },
  'kernel.text': { zh: '{text}', en: '{text}' },
  'kernel.required': { zh: '必填', en: 'required' },
  'kernel.noneGiven': { zh: '（未填写）', en: '(none given)' },
  'kernel.mustBeFuture': { zh: '必须是将来的时间', en: 'must be in the future' },
  'kernel.minChars': { zh: '至少 {min} 个字符', en: 'must be at least {min} characters' },
  'kernel.noteRequired': { zh: '必填：请说明原因', en: 'required: say why' },
  'kernel.notDivision': {
    zh: '{code} 不是 GB/T 2260 行政区划代码',
    en: '{code} is not a GB/T 2260 division code',
  },
  // request schema (Fastify/TypeBox through ajv), by ajv keyword
  'schema.required': { zh: '必填', en: 'required' },
  'schema.type': { zh: '应为{type}', en: 'must be {type}' },
  'schema.minLength': { zh: '至少 {limit} 个字符', en: 'must have at least {limit} characters' },
  'schema.maxLength': { zh: '最多 {limit} 个字符', en: 'must have at most {limit} characters' },
  'schema.pattern': { zh: '格式不符合要求（{pattern}）', en: 'must match the pattern {pattern}' },
  'schema.format': { zh: '不是有效的{format}', en: 'must be a valid {format}' },
  'schema.enum': { zh: '应为以下之一：{allowed}', en: 'must be one of: {allowed}' },
  'schema.const': { zh: '应为 {allowed}', en: 'must be {allowed}' },
  'schema.minimum': { zh: '不能小于 {limit}', en: 'must be at least {limit}' },
  'schema.maximum': { zh: '不能大于 {limit}', en: 'must be at most {limit}' },
  'schema.exclusiveMinimum': { zh: '必须大于 {limit}', en: 'must be more than {limit}' },
  'schema.exclusiveMaximum': { zh: '必须小于 {limit}', en: 'must be less than {limit}' },
  'schema.additionalProperties': { zh: '不是可接受的属性', en: 'is not a property this input takes' },
  'schema.minItems': { zh: '至少 {limit} 项', en: 'must have at least {limit} items' },
  'schema.maxItems': { zh: '最多 {limit} 项', en: 'must have at most {limit} items' },
  'schema.minProperties': { zh: '至少 {limit} 个属性', en: 'must have at least {limit} properties' },
  'schema.maxProperties': { zh: '最多 {limit} 个属性', en: 'must have at most {limit} properties' },
  'schema.uniqueItems': { zh: '不能有重复项', en: 'must not have duplicate items' },
  'schema.multipleOf': { zh: '应为 {limit} 的倍数', en: 'must be a multiple of {limit}' },
  'schema.invalid': { zh: '取值无效', en: 'is not valid' },
  'schemaType.string': { zh: '文本', en: 'a string' },
  'schemaType.integer': { zh: '整数', en: 'an integer' },
  'schemaType.number': { zh: '数字', en: 'a number' },
  'schemaType.boolean': { zh: '布尔值（true/false）', en: 'a boolean' },
  'schemaType.object': { zh: '对象', en: 'an object' },
  'schemaType.array': { zh: '数组', en: 'an array' },
  'schemaType.null': { zh: '空值', en: 'null' },
  'schemaFormat.date': { zh: '日期（YYYY-MM-DD）', en: 'date (YYYY-MM-DD)' },
  'schemaFormat.date-time': { zh: '日期时间', en: 'date-time' },
  'schemaFormat.email': { zh: '电子邮箱地址', en: 'email address' },
  'schemaFormat.uri': { zh: '网址', en: 'URI' },
  'schemaFormat.uuid': { zh: 'UUID', en: 'UUID' },
  'schemaFormat.other': { zh: '格式（{format}）', en: '{format}' },
  // identifiers with check digits (GB 11643, GB 32100, GB/T 2260) and typed values
  'id.length': { zh: '须为 18 位（或旧的 15 位数字）', en: 'must be 18 characters (or the old 15-digit form)' },
  'id.chars': { zh: '须为 17 位数字加 1 位数字或 X', en: 'must be 17 digits and a digit or X' },
  'id.division': { zh: '{division} 不是行政区划代码', en: 'division {division} is not a division code' },
  'id.checkDigit': { zh: '校验码应为 {expected}，实际为 {got}', en: 'check digit should be {expected}, got {got}' },
  'id.birthDateMissing': { zh: '出生日期 {date} 不存在', en: 'birth date {date} does not exist' },
  'id.birthDateRange': { zh: '出生日期 {date} 超出范围', en: 'birth date {date} is out of range' },
  // The same refusals without the value they quote, for reasons that are stored (unquoted() below)
  'id.divisionUnknown': { zh: '前 6 位不是行政区划代码', en: 'the first 6 digits are not a division code' },
  'id.checkDigitWrong': { zh: '校验码不符', en: 'the check digit does not match' },
  'id.birthDateNone': { zh: '其中的出生日期不存在', en: 'the birth date in it does not exist' },
  'id.birthDateOut': { zh: '其中的出生日期超出范围', en: 'the birth date in it is out of range' },
  'credit.length': { zh: '须为 18 位', en: 'must be 18 characters' },
  'credit.char': {
    zh: '不允许字符 {char}（不使用 I、O、Z、S、V）',
    en: 'character {char} is not allowed (no I, O, Z, S, V)',
  },
  'credit.orgCode': {
    zh: '其中的组织机构代码 {orgCode} 校验码错误',
    en: 'embedded organization code {orgCode} has a wrong check character',
  },
  'credit.checkChar': {
    zh: '校验码应为 {expected}，实际为 {got}',
    en: 'check character should be {expected}, got {got}',
  },
  'credit.charBad': {
    zh: '含有不允许的字符（不使用 I、O、Z、S、V）',
    en: 'has a character that is not allowed (no I, O, Z, S, V)',
  },
  'credit.orgCodeWrong': {
    zh: '其中的组织机构代码校验码错误',
    en: 'the embedded organization code has a wrong check character',
  },
  'credit.checkCharWrong': { zh: '校验码不符', en: 'the check character does not match' },
  'value.tooLong': { zh: '超过 {max} 个字符', en: 'longer than {max} characters' },
  'value.notInCodeList': { zh: '不在代码表中（{codes}）', en: 'not in the code list ({codes})' },
  'value.notInteger': { zh: '不是整数', en: 'not an integer' },
  'value.notPhone': { zh: '不是电话号码', en: 'not a phone number' },
  'value.notNumber': { zh: '不是数字', en: 'not a number' },
  'value.notBoolean': { zh: '不是“是/否”（true/false）', en: 'not true/false (是/否)' },
  'value.notDate': { zh: '不是日期（YYYY-MM-DD）', en: 'not a date (YYYY-MM-DD)' },
  'value.dateMissing': { zh: '日期 {date} 不存在', en: '{date} does not exist' },
  'value.dateNone': { zh: '日期不存在', en: 'the date does not exist' },
  'value.notDivision': { zh: '不是 GB/T 2260 行政区划代码', en: 'not a GB/T 2260 division code' },
  // files and uploads
  'file.notXlsx': { zh: '文件：不是 XLSX 工作簿', en: 'file: not an XLSX workbook' },
  'file.notZip': { zh: '文件：不是可读的 ZIP/XLSX 文件（{why}）', en: 'file: not a readable zip/XLSX file ({why})' },
  'file.zip64': {
    zh: '文件：ZIP64 工作簿超出平台可接受的大小',
    en: 'file: a ZIP64 workbook is larger than the hub takes',
  },
  'file.tooManyEntries': { zh: '文件：ZIP 条目超过 {max} 个', en: 'file: more than {max} zip entries' },
  'file.tooLarge': { zh: '文件：{reason}', en: 'file: {reason}' },
  'file.partTooLarge': {
    zh: '{part} 解压后为 {size} 字节，超过 {max}',
    en: '{part} inflates to {size} bytes, more than {max}',
  },
  'file.workbookTooLarge': {
    zh: '工作簿解压后为 {size} 字节，超过 {max}',
    en: 'the workbook inflates to {size} bytes, more than {max}',
  },
  'file.partDeclaration': { zh: '{part} 含有注释、CDATA 或 DTD', en: '{part} has a comment, CDATA or DTD' },
  'file.partLongText': {
    zh: '{part} 中有超过 {max} 字节的文本或标签',
    en: '{part} has a text or tag longer than {max} bytes',
  },
  'file.moreRows': { zh: '超过 {max} 行', en: 'more than {max} rows' },
  'file.moreColumns': { zh: '超过 {max} 列', en: 'more than {max} columns' },
  'file.largerThan': { zh: '超过 {max} 字节', en: 'larger than {max} bytes' },
  'file.longLine': { zh: '有一行超过 {max} 字节', en: 'a line longer than {max} bytes' },
  'file.rowMoreCells': { zh: '第 {row} 行超过 {max} 个单元格', en: 'row {row}: more than {max} cells' },
  'file.sheetRows': { zh: '工作表声明了 {rows} 行，超过 {max}', en: 'the sheet declares {rows} rows, more than {max}' },
  'file.sheetColumns': {
    zh: '工作表声明的列直到 {column}，超过 {max} 列',
    en: 'the sheet declares columns up to {column}, more than {max}',
  },
  'file.atMostMiB': { zh: '最大 {max} MiB', en: 'at most {max} MiB' },
  // HTTP edge
  'http.noRoute': { zh: '没有接口 {method} {path}', en: 'no route {method} {path}' },
  'http.sendMultipart': { zh: '请以 multipart/form-data 发送', en: 'send multipart/form-data' },
  'http.sendMultipartFile': { zh: '请以 multipart/form-data 发送文件', en: 'send multipart/form-data with a file' },
  'http.notMultipart': { zh: '无法读取 multipart/form-data：{error}', en: 'not readable multipart/form-data: {error}' },
  'http.badFileName': {
    zh: '文件名不能含控制字符，最长 {max} 个字符',
    en: 'file name: no control characters, at most {max}',
  },
  'http.unstorable': { zh: '含有 NUL 字符或孤立的代理项', en: 'contains a NUL character or a lone surrogate' },
  'http.unstorableName': {
    zh: '属性名含有 NUL 字符或孤立的代理项',
    en: 'a property name contains a NUL character or a lone surrogate',
  },
  'http.bodyIdle': { zh: '{seconds} 秒内未收到请求内容', en: 'no byte of the body for {seconds} s' },
  'http.bodySlow': { zh: '请求内容传输速度低于每秒 {rate} 字节', en: 'the body arrived slower than {rate} bytes/s' },
  'http.sendPromptly': { zh: '{why}；请及时发送完整的请求内容', en: '{why}; send the whole body promptly' },
  'http.dataException': {
    zh: '请求中有无法使用的值（SQLSTATE {sqlState}）',
    en: 'a value of the request cannot be used (SQLSTATE {sqlState})',
  },
  'http.internal': {
    zh: '系统内部错误；请求编号见响应头 x-request-id',
    en: 'internal error; the request id is in the x-request-id header',
  },
  'http.unavailable': {
    zh: '数据库暂时无法访问（{reason}），请在 {seconds} 秒后重试',
    en: 'the database cannot be reached for a moment ({reason}); try again in {seconds} s',
  },
  'http.badJson': { zh: '请求内容不是有效的 JSON', en: 'the body is not valid JSON' },
  // configuration
  'config.positive': { zh: '{name} 须为正数，实际为 {value}', en: '{name} must be a positive number, got {value}' },
  'config.readUrl': {
    zh: 'DATABASE_READ_URLS 须为逗号分隔的 postgres:// 地址',
    en: 'DATABASE_READ_URLS must be comma-separated postgres:// URLs',
  },
  'config.readUrlsWithoutPrimary': {
    zh: 'DATABASE_READ_URLS 只读副本须与 DATABASE_URL 主库一同设置（内嵌数据库没有副本）',
    en: 'DATABASE_READ_URLS (read replicas) needs DATABASE_URL (the primary); embedded PGlite has no replicas',
  },
  'config.port': { zh: '端口须为 0–65535 的整数，实际为 {value}', en: 'port must be an integer 0–65535, got {value}' },
  'config.workersNeedPostgres': {
    zh: '多进程服务（{workers} 个工作进程）需要 PostgreSQL（DATABASE_URL）：内嵌数据库的数据目录只能由一个进程打开',
    en: '--workers {workers} needs PostgreSQL (DATABASE_URL): an embedded PGlite data directory is opened by one process only',
  },
  'config.oidcMissing': {
    zh: '已设置 {issuer}，还须设置 {name}',
    en: '{issuer} is set: {name} must be set too',
  },
  'config.oidcUrl': { zh: '{name} 须为网址，实际为 {value}', en: '{name} must be a URL, got {value}' },
  'config.oidcInsecure': {
    zh: '{name} 须为 {scheme} 地址：只有本机回环地址可不加密',
    en: '{name} must be an {scheme} URL: plain http only on a loopback address',
  },
  'config.dataDirInUse': {
    zh: '{dir} 正被进程 {pid} 使用：请先停止该进程，或用 DATABASE_URL 共用 PostgreSQL',
    en: '{dir} is in use by process {pid}: stop it first, or use DATABASE_URL to share PostgreSQL',
  },
  // access: accounts, sessions, permissions
  'access.mayNot': { zh: '{user} 无权{action}', en: '{user} may not {action}' },
  'access.bearerFormat': {
    zh: '请求头 Authorization 须为“Bearer <令牌>”',
    en: 'Authorization must be "Bearer <token>"',
  },
  'access.badToken': { zh: '令牌无效或已过期', en: 'invalid or expired token' },
  'access.tokenRevoked': { zh: '令牌已被撤销', en: 'the token was revoked' },
  'access.tokenUnknownOrg': { zh: '令牌所属的机构不存在', en: 'token names an unknown organization' },
  'access.badApiKey': { zh: 'API 密钥无效', en: 'invalid API key' },
  'access.notASession': { zh: '只有令牌登录的会话才能退出', en: 'only a token session can be logged out of' },
  'access.tooManyLogins': {
    zh: '登录失败次数过多，请 {seconds} 秒后再试',
    en: 'too many failed logins; retry in {seconds} s',
  },
  'access.noOrg': { zh: '没有机构 {org}', en: 'no organization {org}' },
  'access.noOrgOf': { zh: '{user} 不属于任何机构', en: '{user} belongs to no organization' },
  'access.noUser': { zh: '没有用户 {user}', en: 'no user {user}' },
  'access.userExists': { zh: '用户 {user} 已存在', en: 'user {user} exists' },
  'access.rolesOf': { zh: '须为以下角色中的一个或多个：{roles}', en: 'must be some of {roles}' },
  'access.notAnOfficer': { zh: '{user} 不是 {org} 的数据官', en: '{user} is not a data officer of {org}' },
  'access.passwordLength': { zh: '长度须为 {min} 至 {max} 个字符', en: 'must be {min} to {max} characters long' },
  'access.passwordKinds': {
    zh: '须至少包含字母、数字、符号中的两类',
    en: 'must mix at least two of: letters, digits, symbols',
  },
  'access.passwordUsername': { zh: '不能包含用户名', en: 'must not contain the user name' },
  'access.passwordSame': { zh: '不能与当前密码相同', en: 'must differ from the current password' },
  'access.rolesNeedOrg': { zh: '角色 {roles} 须属于某个机构', en: 'the roles {roles} act for an organization' },
  'access.citizenIdOnlyCitizen': {
    zh: '只有市民账号可以绑定身份号码',
    en: 'only a citizen account is bound to a citizen ID',
  },
  'access.citizenIdBound': { zh: '该身份号码已绑定到其他账号', en: 'already bound to another account' },
  'access.orgExists': { zh: '机构代码 {org} 已存在', en: 'organization {org} exists' },
  'access.creditCodeTaken': { zh: '该统一社会信用代码已属于机构 {org}', en: 'already the credit code of {org}' },
  'access.notCitizenAccount': {
    zh: '{user} 不是已绑定身份号码的市民账号',
    en: '{user} is not a citizen account with a bound citizen ID',
  },
  'access.noEnterprise': {
    zh: '没有统一社会信用代码为 {creditCode} 的企业账号',
    en: 'no enterprise account {creditCode}',
  },
  'access.notAnAgent': { zh: '{user} 不是该企业的经办人', en: '{user} is not an agent of the enterprise' },
  'access.representativeNotAgent': {
    zh: '{user} 是该企业的法定代表人，无须委托为经办人',
    en: '{user} is the legal representative of the enterprise and needs no appointment',
  },
  'access.parentCycle': {
    zh: '机构不能设在自身或其下级机构之下',
    en: 'an organization cannot be placed under itself or one below it',
  },
  'access.oidcUnreachable': {
    zh: '统一身份认证服务 {issuer} 无法访问',
    en: 'the unified identity provider {issuer} cannot be reached',
  },
  'access.oidcNoFlow': {
    zh: '登录不是在此浏览器中开始的，或已超过 {minutes} 分钟，请重新登录',
    en: 'the login was not started in this browser or took over {minutes} minutes; start again',
  },
  'access.oidcRefused': {
    zh: '统一身份认证的应答未通过校验（{reason}）',
    en: 'the answer of the unified identity did not verify ({reason})',
  },
  'access.oidcNoClaim': {
    zh: '统一身份认证未提供声明 {claim}',
    en: 'the unified identity gave no claim {claim}',
  },
  'access.oidcBadClaim': {
    zh: '统一身份认证的声明 {claim} 不是有效的身份号码',
    en: 'the claim {claim} of the unified identity is not a valid citizen ID',
  },
  'access.oidcDisabled': { zh: '与该身份绑定的账号已停用', en: 'the account bound to this identity is disabled' },
  'access.oidcCodeUsed': {
    zh: '登录码无效、已使用或已过期，请重新登录',
    en: 'the login code is unknown, used or expired; log in again',
  },
  // catalog
  'catalog.noResource': { zh: '没有数据资源 {code}', en: 'no resource {code}' },
  'catalog.noPublishedResource': { zh: '没有已发布的数据资源 {code}', en: 'no published resource {code}' },
  'catalog.noVersion': { zh: '{code} 没有第 {version} 版', en: '{code} has no version {version}' },
  'catalog.noField': { zh: '{code} 没有信息项 {field}', en: '{code} has no field {field}' },
  'catalog.versionConflict': {
    zh: '{code} 已是第 {version} 版，本次修改基于第 {base} 版：请刷新后重新修改',
    en: '{code} is at version {version}, the edit was based on {base}: reload and edit again',
  },
  'catalog.notEditable': {
    zh: '{code} 当前为“{status}”：审核完成前不能修改',
    en: '{code} is {status}: it cannot be edited until reviewed',
  },
  'catalog.stepNeedsState': {
    zh: '{code} 当前为“{status}”；“{step}”需要处于“{from}”',
    en: '{code} is {status}; {step} needs {from}',
  },
  'catalog.nothingChanged': { zh: '没有任何修改', en: 'nothing changed' },
  'catalog.returnReasonRequired': {
    zh: '必填：请说明数源单位需要修改什么',
    en: 'required: say what the provider must fix',
  },
  'catalog.noElement': { zh: '没有数据元 {element}', en: 'no data element {element}' },
  'catalog.typeRequired': { zh: '未绑定数据元时必须填写类型', en: 'required when the field binds to no data element' },
  'catalog.elementTypeDiffers': {
    zh: '数据元 {element} 的类型是 {elementType}，不是 {type}',
    en: 'data element {element} is of type {elementType}, not {type}',
  },
  'catalog.levelReasonRequired': {
    zh: '必填：分级“{level}”低于建议的“{suggested}”',
    en: 'required: the level {level} is below the suggested {suggested}',
  },
  'catalog.shareConditionRequired': {
    zh: '有条件共享时必填：使用方须满足的条件',
    en: 'required for conditional sharing: the condition a consumer must meet',
  },
  'catalog.refusalBasisRequired': {
    zh: '不予共享时必填：不予共享的法律依据',
    en: 'required when not shared: the legal basis for refusing',
  },
  'catalog.mountTargetRequired': { zh: '挂载类型为 {kind} 时必填', en: 'required for a {kind}' },
  'catalog.duplicateField': { zh: '信息项名称 {name} 重复', en: 'duplicate field name {name}' },
  'catalog.keyNotAField': { zh: '{keyField} 不是本资源的信息项', en: '{keyField} is not one of the fields' },
  'catalog.keyNotRequired': { zh: '主键信息项 {keyField} 必须为必填', en: 'key field {keyField} must be required' },
  'catalog.spreadsheetRefused': {
    zh: '共有 {count} 处问题，未导入任何内容',
    en: '{count} problem(s); nothing was imported',
  },
  'catalog.sheetDuplicateName': { zh: '名称重复：{name}', en: 'duplicate name: {name}' },
  'catalog.sheetNoResource': {
    zh: '资源目录中没有名为「{name}」的资源',
    en: 'the resources sheet has no resource named “{name}”',
  },
  'catalog.sheetNoRows': { zh: '没有资源行', en: 'no resource rows' },
  'catalog.sheetMissing': {
    zh: '缺少工作表「{sheet}」（请使用导入模板）',
    en: 'the sheet “{sheet}” is missing (use the import template)',
  },
  'catalog.sheetSchema': { zh: '{path} {reason}', en: '{path} {reason}' },
  'status.draft': { zh: '草稿', en: 'draft' },
  'status.submitted': { zh: '待审核', en: 'submitted' },
  'status.returned': { zh: '已退回', en: 'returned' },
  'status.approved': { zh: '已通过', en: 'approved' },
  'status.published': { zh: '已发布', en: 'published' },
  'transition.submit': { zh: '提交', en: 'submit' },
  'transition.approve': { zh: '审核通过', en: 'approve' },
  'transition.return': { zh: '退回', en: 'return' },
  'transition.publish': { zh: '发布', en: 'publish' },
  'level.general': { zh: '一般', en: 'general' },
  'level.important': { zh: '重要', en: 'important' },
  'level.core': { zh: '核心', en: 'core' },
  // records
  'keys.kekLength': {
    zh: '密钥加密密钥须为 32 字节，配置的是 {bytes} 字节',
    en: 'the key-encryption key must be 32 bytes; the configured one has {bytes}',
  },
  'keys.kekFormat': {
    zh: '{source} 须为 32 字节的密钥，写作 64 位十六进制数字或 {encoding} 编码',
    en: '{source} must be a 32-byte key as 64 hex digits or in {encoding}',
  },
  'keys.kekFile': { zh: '无法读取 {source} 指定的文件', en: 'the file that {source} names cannot be read' },
  'keys.noKek': {
    zh: '未配置密钥加密密钥：请设置 {kek} 或 {kekFile}（演示库用 {demo}；测试或临时环境可设 {generate}，由数据库保存生成的密钥）',
    en: 'no key-encryption key is configured: set {kek} or {kekFile} ({demo} for the demo city; {generate} keeps a generated one in the database, for tests and throwaway installs)',
  },
  'keys.wrongKek': {
    zh: '数据密钥由密钥加密密钥 {kek} 封装，而本进程没有该密钥或它无法解开数据密钥：请检查 {current}（轮换期间还需 {previous}）',
    en: 'data keys are wrapped by key-encryption key {kek}, which this process does not hold or which does not open them: check {current} (and {previous} during a rotation)',
  },
  'keys.noVersion': { zh: '{scope} 没有第 {version} 版数据密钥', en: '{scope} has no data key version {version}' },
  'keys.notSealed': { zh: '{scope} 的值不是加密形式', en: 'a value of {scope} is not in sealed form' },
  'keys.sealBroken': {
    zh: '{scope} 的加密值无法解开（密钥不符或数据被改动）',
    en: 'a sealed value of {scope} does not open (wrong key or altered data)',
  },
  'records.noRecordIn': { zh: '{code} 中没有该主键的记录', en: 'no record in {code} with this key' },
  'records.noRecordInResource': {
    zh: '资源 {resource} 中没有该主键的记录',
    en: 'resource {resource} has no record with this key',
  },
  'records.sealedField': {
    zh: '字段 {field} 已加密存储，不能按值查询',
    en: 'field {field} is sealed at rest and cannot be queried by its value',
  },
  'records.noRecordKeyIn': { zh: '{code} 中没有记录 {key}', en: 'no record {key} in {code}' },
  // ingest
  'ingest.storageFull': {
    zh: '数据库存储空间已满：本次载入未写入任何数据，资源保留原有数据；请运维人员腾出空间后重新载入',
    en: 'the database ran out of storage space: nothing of this load went in and the resource keeps its previous data; load it again once the operators have made room',
  },
  'ingest.unexpected': {
    zh: '归集因意外错误中止，未写入任何数据；详情已记入服务日志',
    en: 'the load stopped on an unexpected error and nothing of it went in; the server log has the details',
  },
  'ingest.processStopped': { zh: '执行该任务的中枢进程已停止', en: 'the hub process running it stopped' },
  'ingest.processStoppedUpload': {
    zh: '执行该任务的中枢进程已停止：请重新上传文件',
    en: 'the hub process running it stopped: upload the file again',
  },
  'ingest.noJob': { zh: '没有归集任务 {id}', en: 'no ingest job {id}' },
  'ingest.jobNotQueued': { zh: '归集任务 {id} 不在排队中', en: 'ingest job {id} is not queued' },
  'ingest.jobNotHeld': { zh: '归集任务 {id} 不在暂缓入库状态', en: 'ingest job {id} is not held' },
  'ingest.noSchedule': { zh: '没有归集计划 {id}', en: 'no ingest schedule {id}' },
  'ingest.sendUploadOrSource': {
    zh: '请以 multipart/form-data 发送 resource 和 file，或以 JSON 发送 resource 和 source',
    en: 'send multipart/form-data with resource and file, or JSON with resource and source',
  },
  'ingest.resourceBeforeFile': { zh: '须在文件之前发送', en: 'required before the file part' },
  'ingest.noFilePart': { zh: '上传内容中没有文件', en: 'no file part in the upload' },
  'ingest.unsupportedFile': {
    zh: '{file}：不是 CSV、XLSX、JSON 或 NDJSON 文件',
    en: '{file}: not a CSV, XLSX, JSON or NDJSON file',
  },
  'ingest.unsupportedType': { zh: '不支持的文件类型 .{ext}', en: 'unsupported file type .{ext}' },
  'ingest.badCsv': { zh: '不是可读的 CSV 文件：{error}', en: 'not a readable CSV file: {error}' },
  'ingest.badXlsx': { zh: '不是可读的 XLSX 工作簿：{error}', en: 'not a readable XLSX workbook: {error}' },
  'ingest.notObject': { zh: '{where}：不是对象', en: '{where}: not an object' },
  'ingest.notJson': { zh: '不是 JSON：{error}', en: 'not JSON: {error}' },
  'ingest.jsonShape': {
    zh: '应为由对象组成的 JSON 数组（或 { "items": [...] }）',
    en: 'expected a JSON array of objects (or { "items": [...] })',
  },
  'ingest.lineNotJson': { zh: '第 {line} 行：不是 JSON', en: 'line {line}: not JSON' },
  'ingest.noWorksheet': { zh: '工作簿中没有工作表', en: 'the workbook has no worksheet' },
  'ingest.missingColumns': { zh: '表头缺少必填列：{columns}', en: 'the header lacks required columns: {columns}' },
  'ingest.columnMissing': { zh: '缺少必填列', en: 'required column missing' },
  'ingest.emptyFile': { zh: '文件为空：应有表头行', en: 'the file is empty: expected a header row' },
  'ingest.duplicateKey': {
    zh: '主键重复：前面的行已有相同的主键',
    en: 'duplicate key: an earlier row has the same key',
  },
  'ingest.unknownZone': { zh: '未知的时区 {zone}', en: 'unknown time zone {zone}' },
  'ingest.badCron': { zh: '不是有效的 cron 表达式：{error}', en: '{error}' },
  'ingest.cronTooOften': { zh: '触发频率超过每分钟一次', en: 'fires more than once a minute' },
  'ingest.httpSource': { zh: 'HTTP 来源：{detail}', en: 'http source: {detail}' },
  'ingest.databaseSource': { zh: '数据库来源：{error}', en: 'database source: {error}' },
  'ingest.pageNotJson': { zh: '{at}：不是 JSON', en: '{at}: not JSON' },
  'ingest.noItems': {
    zh: '第 {page} 页：没有条目数组（请设置 itemsPath）',
    en: 'page {page}: no array of items (set itemsPath)',
  },
  'ingest.noItemsAt': { zh: '第 {page} 页：{path} 处没有条目数组', en: 'page {page}: no array of items at {path}' },
  'ingest.itemNotObject': { zh: '第 {page} 页第 {item} 条：不是对象', en: 'page {page}, item {item}: not an object' },
  'source.urlOrConnection': { zh: '请提供 url 或已命名的连接', en: 'give a url or a named connection' },
  'source.credentialsInUrl': {
    zh: '凭据应放在已命名的连接（QDH_SOURCE_<名称>）中，不能写在 url 里',
    en: 'credentials belong in a named connection (QDH_SOURCE_<NAME>), not in the URL',
  },
  'source.credentialsInSpec': {
    zh: '凭据应放在已命名的连接（QDH_SOURCE_<名称>）中，不能写在来源配置里',
    en: 'credentials belong in a named connection (QDH_SOURCE_<NAME>), not in the spec',
  },
  'source.urlParameter': {
    zh: '不允许参数 {name}（只允许 sslmode）；请使用已命名的连接',
    en: 'parameter {name} is not allowed (only sslmode); use a named connection',
  },
  'source.hostNotAllowed': {
    zh: '主机 {host} 不在 QDH_INGEST_HOSTS 中；请向平台运维申请已命名的连接',
    en: 'host {host} is not in QDH_INGEST_HOSTS; ask the operator for a named connection',
  },
  'source.noConnection': { zh: '未配置连接 {name}', en: 'no connection {name} is configured' },
  'source.urlAndConnection': {
    zh: '数据库来源只能提供 url 或连接之一，不能同时提供',
    en: 'a database source takes a url or a connection, not both',
  },
  'source.sameHost': { zh: '必须在该连接的主机上', en: 'must stay on the connection’s host' },
  'source.notUrl': { zh: '不是网址', en: 'not a URL' },
  'source.notPostgresUrl': { zh: '不是 postgres:// 网址', en: 'not a postgres:// URL' },
  'source.notHttpUrl': { zh: '不是 http(s) 网址', en: 'not an http(s) URL' },
  'source.selectOnly': { zh: '只能运行 SELECT 或 WITH 查询', en: 'only a SELECT or WITH query may be run' },
  // share: grants, demands, services
  'share.notPublishedGrant': {
    zh: '{code} 尚未发布，暂不能授权',
    en: '{code} is not published: nothing can be granted on it yet',
  },
  'share.keptRemotely': {
    zh: '{code} 的数据保存在{district}的区县节点，只按授权逐条查询；请在该节点浏览',
    en: 'the records of {code} are kept on the node of {district} and read there one grant at a time: browse them on that node',
  },
  'share.notPublished': { zh: '{code} 尚未发布', en: '{code} is not published' },
  'share.notPublishedInCatalog': { zh: '{code} 尚未在目录中发布', en: '{code} is not published in the catalog' },
  'share.ownData': { zh: '数源单位使用本单位的数据无需授权', en: 'the provider needs no grant for its own data' },
  'share.notFieldsOf': { zh: '不是 {code} 的信息项：{fields}', en: 'not fields of {code}: {fields}' },
  'share.notGrantedFields': { zh: '不在授权的信息项中：{fields}', en: 'not among the granted fields: {fields}' },
  'share.grantBadState': {
    zh: '授权 #{id} 当前为“{state}”，不能{action}',
    en: 'grant {id} is {state}; cannot {action} it',
  },
  'share.noGrant': { zh: '没有授权 #{id}', en: 'no grant {id}' },
  'share.noActiveGrant': { zh: '{holder} 没有 {code} 的有效授权', en: '{holder} holds no active grant on {code}' },
  'share.noActiveGrantOn': { zh: '没有 {code} 的有效授权', en: 'no active grant on {code}' },
  'share.keysCount': { zh: '须为 1 到 {max} 个主键', en: 'between 1 and {max} keys' },
  'share.notVisibleField': { zh: '不是本授权可见的信息项', en: 'not a field this grant shows' },
  'share.maskedFilter': { zh: '脱敏信息项不能作为筛选条件', en: 'a masked field cannot be filtered on' },
  'share.remoteByKeyOnly': {
    zh: '{code} 的数据保存在{node}节点，只能按主键查询或批量查询，不能按条件筛选或导出',
    en: 'the records of {code} are kept on the node of {node}: they are served by key (lookup, batch), not by filter or export',
  },
  'share.noRemoteRecords': {
    zh: '{code} 的数据保存在其他节点，本节点未配置获取方式',
    en: 'the records of {code} are kept on another node, and this node has no way to fetch them',
  },
  'share.notShared': { zh: '{code} 的共享类型为不予共享', en: '{code} has share type none: it is not shared' },
  'share.purposeRequired': {
    zh: '必填：本次访问所允许用途的代码',
    en: 'required: the code of a purpose this access is allowed for',
  },
  'share.purposeForKey': { zh: '按主键查询时必填', en: 'required when looking up a key' },
  'share.purposeNotAllowed': { zh: '不是本次访问允许的用途', en: 'not a purpose this access is allowed for' },
  'share.purposeNotAllowedBy': {
    zh: '不是本次访问允许的用途：授权 #{grant} 允许的用途为 {purposes}',
    en: 'not a purpose this access is allowed for: grant {grant} allows {purposes}',
  },
  'share.pageSizeJson': {
    zh: 'JSON 格式每页最多 {max} 条；批量获取请用 format=csv',
    en: 'at most {max} as JSON; use format=csv for bulk',
  },
  'share.demandPurposeRequired': { zh: '必填：请说明数据的用途', en: 'required: say what the data is for' },
  'share.demandNeedRequired': {
    zh: '未选数据资源时必填：请描述所需的数据',
    en: 'required without a resource: describe the data needed',
  },
  'share.demandOwnData': {
    zh: '部门无需申请本部门的数据：已经持有',
    en: 'a department demands no data of its own: it already holds it',
  },
  'share.legalBasisRequired': {
    zh: '{code} 不予共享：需求须写明所依据的法律法规',
    en: '{code} is not shared: a demand needs the law or regulation it rests on',
  },
  'share.demandNoResourceYet': {
    zh: '需求 #{id} 尚未指定数据资源：须先由平台分派',
    en: 'demand {id} names no resource yet: the operators route it first',
  },
  'share.demandNoResource': { zh: '需求 #{id} 未指定数据资源', en: 'demand {id} names no resource' },
  'share.demandBadState': {
    zh: '需求 #{id} 当前为“{state}”；此操作需要“{from}”',
    en: 'demand {id} is {state}; this step needs {from}',
  },
  'share.demandChanged': { zh: '需求 #{id} 已被他人修改：请刷新', en: 'demand {id} was changed meanwhile: reload it' },
  'share.demandNamesResource': {
    zh: '需求 #{id} 已指定数据资源：由其数源单位答复',
    en: 'demand {id} names a resource: its provider answers it',
  },
  'share.demandOwnDataAssign': {
    zh: '部门无需申请本部门的数据：请分派给其他部门',
    en: 'a department demands no data of its own: assign it to another',
  },
  'share.demandHasResource': {
    zh: '需求 #{id} 已指定数据资源 {code}',
    en: 'demand {id} already names its resource {code}',
  },
  'share.demandResourceRequired': {
    zh: '必填：为此需求登记的数据资源（请先登记并发布）',
    en: 'required: the resource registered for this demand (register and publish it first)',
  },
  'share.notAssignedOrgResource': {
    zh: '{code} 不是需求所分派部门的数据资源',
    en: '{code} is not a resource of the department the demand is assigned to',
  },
  'share.noDemand': { zh: '没有需求 #{id}', en: 'no demand {id}' },
  'share.refuseReasonRequired': { zh: '必填：请说明拒绝需求的原因', en: 'required: say why the demand is refused' },
  'share.noService': { zh: '没有数据服务 {code}', en: 'no data service {code}' },
  'share.noAlert': { zh: '没有告警 #{id}', en: 'no alert {id}' },
  'share.quotaUsed': { zh: '每日 {quota} 次的调用限额已用完', en: 'daily quota of {quota} calls used up' },
  'share.rateExceeded': { zh: '每秒调用超过 {rate} 次', en: 'more than {rate} calls a second' },
  'share.secretTooShort': { zh: '至少 {min} 个字节', en: 'must be at least {min} bytes' },
  'share.badMark': {
    zh: '须为 {length} 个 Crockford base32 字符（{alphabet}）',
    en: 'must be {length} characters of the Crockford base32 alphabet {alphabet}',
  },
  'share.markNeedsText': {
    zh: '至少指定一个文本信息项来携带水印',
    en: 'name at least one text field to carry the mark',
  },
  'grantState.active': { zh: '有效', en: 'active' },
  'grantState.suspended': { zh: '已暂停', en: 'suspended' },
  'grantState.revoked': { zh: '已撤销', en: 'revoked' },
  'grantAction.suspend': { zh: '暂停', en: 'suspend' },
  'grantAction.resume': { zh: '恢复', en: 'resume' },
  'grantAction.revoke': { zh: '撤销', en: 'revoke' },
  'demandState.basis_review': { zh: '依据审核中', en: 'basis_review' },
  'demandState.filed': { zh: '待确认', en: 'filed' },
  'demandState.confirmed': { zh: '已确认待发布', en: 'confirmed' },
  'demandState.refused': { zh: '已拒绝', en: 'refused' },
  'demandState.published': { zh: '已发布', en: 'published' },
  // ledger
  'ledger.citizenOnly': { zh: '只有公民账号有本人的条目', en: 'only a citizen account has its own entries' },
  'ledger.startEndRequired': {
    zh: '须与 end 一同填写（或使用 subject=me）',
    en: 'required with end (or use subject=me)',
  },
  'ledger.indexOrLeaf': { zh: '请提供 index 或 leafHash', en: 'give index or leafHash' },
  'ledger.indexOutside': {
    zh: '序号 {index} 不在大小为 {size} 的树中',
    en: 'index {index} is not in a tree of size {size}',
  },
  'ledger.indexBound': { zh: '须满足 0 ≤ index < {size}', en: 'must be 0 ≤ index < {size}' },
  'ledger.subjectKey': {
    zh: '须为公民身份号码或统一社会信用代码',
    en: 'a citizen ID or unified social credit code',
  },
  'ledger.notATime': { zh: '须为 ISO 8601 日期或时间', en: 'an ISO 8601 date or time' },
  'ledger.noLeaf': { zh: '没有叶哈希为 {hash} 的条目', en: 'no entry with leaf hash {hash}' },
  'ledger.noConsistency': {
    zh: '无法给出从 {first} 到 {size} 的一致性证明',
    en: 'no consistency proof from {first} to {size}',
  },
  'ledger.firstBound': { zh: '须满足 1 ≤ first ≤ {size}', en: 'must be 1 ≤ first ≤ {size}' },
  'ledger.rangeTooLong': {
    zh: '条目 {start}..{end}：每次最多 {max} 条',
    en: 'entries {start}..{end}: at most {max} at a time',
  },
  'ledger.rangeBound': { zh: '须满足 0 ≤ start ≤ end ≤ start + {max}', en: '0 ≤ start ≤ end ≤ start + {max}' },
  'ledger.treeSizeOutside': {
    zh: '树大小 {size} 不在 1 到 {current} 之间',
    en: 'tree size {size} is not between 1 and {current}',
  },
  'ledger.treeSizeBound': { zh: '须满足 1 ≤ treeSize ≤ {current}', en: 'must be 1 ≤ treeSize ≤ {current}' },
  // base databases
  'base.noConflict': { zh: '没有冲突 #{id}', en: 'no conflict {id}' },
  'base.conflictClosed': { zh: '冲突 #{id} 已处理（{state}）', en: 'conflict {id} is {state}' },
  'base.noLabel': { zh: '没有标签 {code}', en: 'no label {code}' },
  'base.noSubject': { zh: '{base}中没有该主体', en: 'no such subject in the {base}' },
  'base.notElementOf': { zh: '不是{base}的数据元', en: 'not an element of the {base}' },
  'label.code': {
    zh: '只能包含小写字母、数字和下划线，并以字母开头',
    en: 'lower-case letters, digits and _, starting with a letter',
  },
  'label.oneOf': { zh: '须为以下之一：{allowed}', en: 'one of {allowed}' },
  'label.maxParts': { zh: '一条规则最多 {max} 个部分', en: 'a rule has at most {max} parts' },
  'label.maxDepth': { zh: '最多嵌套 {max} 层', en: 'nested at most {max} deep' },
  'label.object': { zh: '应为对象', en: 'expected an object' },
  'label.nonEmptyList': { zh: '{name} 需要非空列表', en: '{name} takes a non-empty list' },
  'label.notOne': { zh: 'not 只能包含一个条件，且不能有其他内容', en: 'not takes one predicate and nothing beside it' },
  'label.labelCode': { zh: 'label 需要一个标签代码', en: 'label takes a label code' },
  'label.predicate': {
    zh: '应为 all、any、not、label 或 element 之一',
    en: 'expected all, any, not, label or element',
  },
  'label.notPart': { zh: '不是条件的组成部分', en: 'not part of a condition' },
  'label.sealedOnlyExists': {
    zh: '{name}属于个人敏感信息，加密存储，规则只能判断其是否存在',
    en: '{name} is sensitive personal information, sealed at rest: a rule may only ask whether it exists',
  },
  'label.cycle': { zh: '标签 {code} 经由其他标签引用了自身', en: 'label {code} refers to itself through other labels' },
  'label.undeclared': {
    zh: '标签 {code} 引用的 {ref} 未声明',
    en: 'label {code} refers to {ref}, which is not declared',
  },
  'label.otherBase': { zh: '标签 {code} 引用了其他基础库的 {ref}', en: 'label {code} refers to {ref} of another base' },
  'label.value.eq': { zh: '应为文本、数字或布尔值', en: 'a string, number or boolean' },
  'label.value.in': { zh: '应为 1–100 个文本、数字或布尔值的列表', en: 'a list of 1–100 strings, numbers or booleans' },
  'label.value.lt': { zh: '应为数字', en: 'a number' },
  'label.value.gt': { zh: '应为数字', en: 'a number' },
  'label.value.ageAtLeast': { zh: '应为 0–150 的整岁数', en: 'whole years, 0–150' },
  'label.value.ageBelow': { zh: '应为 0–150 的整岁数', en: 'whole years, 0–150' },
  'label.value.exists': { zh: '不应有值', en: 'no value' },
  'conflictState.open': { zh: '待处理', en: 'open' },
  'conflictState.resolved': { zh: '已解决', en: 'resolved' },
  'conflictState.dismissed': { zh: '已驳回', en: 'dismissed' },
  'conflictState.superseded': { zh: '已被取代', en: 'superseded' },
  'baseKind.person': { zh: '人口基础库', en: 'person base' },
  'baseKind.legal_entity': { zh: '法人基础库', en: 'legal_entity base' },
  // quality: rules, checks, corrections
  'quality.rulesVersionConflict': {
    zh: '{code} 的质量规则已是第 {version} 版，不是第 {base} 版：请刷新',
    en: 'the rules of {code} are at version {version}, not {base}: reload',
  },
  'quality.rulesChangedMeanwhile': {
    zh: '{code} 的质量规则已被他人修改：请刷新',
    en: 'the rules of {code} were changed meanwhile: reload',
  },
  'quality.paramNotTaken': { zh: '{kind} 规则不接受参数 {param}', en: 'a {kind} rule takes no {param}' },
  'quality.idTwice': { zh: '规则标识 {id} 重复', en: 'id {id} is used twice' },
  'quality.requiredFor': { zh: '{kind} 规则必须填写此项', en: 'required for a {kind} rule' },
  'quality.badRegex': { zh: '不是有效的正则表达式：{error}', en: 'not a valid regular expression: {error}' },
  'quality.unsafeRegex': { zh: '正则表达式可能运行过久：{reason}', en: '{reason}' },
  'quality.rangeNeedsType': {
    zh: '范围规则需要数值或日期信息项，{field} 的类型是 {type}',
    en: 'a range needs a number or date field, {field} is {type}',
  },
  'quality.rangeNeedsBound': { zh: '范围规则至少需要最小值或最大值', en: 'a range needs min, max or both' },
  'quality.boundNumber': {
    zh: '{type} 类型的信息项 {field} 需要数值',
    en: 'must be a number for the {type} field {field}',
  },
  'quality.boundDate': {
    zh: '日期信息项 {field} 需要 YYYY-MM-DD 格式的日期',
    en: 'must be a date YYYY-MM-DD for the date field {field}',
  },
  'quality.badThreshold': {
    zh: '最低合格率须在 0–100 之间，处理方式须为“提示”（warn）或“暂缓入库”（hold）',
    en: 'minPassRate 0–100 and action warn or hold',
  },
  'quality.maxBelowMin': { zh: '不能小于最小值', en: 'must not be below min' },
  'quality.keyUnique': { zh: '{field} 是主键，本身已唯一', en: '{field} is the key: it is unique already' },
  'quality.freshnessNeedsDate': {
    zh: '时效规则需要日期信息项，{field} 的类型是 {type}',
    en: 'freshness needs a date field, {field} is {type}',
  },
  'quality.noMatch': { zh: '不符合格式 {pattern}', en: 'does not match the pattern {pattern}' },
  'quality.olderThan': { zh: '早于 {days} 天前（{date} 之前）', en: 'older than {days} days (before {date})' },
  'quality.belowMin': { zh: '小于最小值 {min}', en: 'below the minimum {min}' },
  'quality.aboveMax': { zh: '大于最大值 {max}', en: 'above the maximum {max}' },
  'quality.birthDateDiffers': {
    zh: '与公民身份号码中的出生日期不一致',
    en: 'differs from the birth date in the citizen ID',
  },
  'quality.genderDiffers': { zh: '与公民身份号码中的性别不一致', en: 'differs from the gender in the citizen ID' },
  'quality.noReference': { zh: '{code} 中没有记录的 {field} 为此值', en: 'no record of {code} has this {field}' },
  'quality.duplicateInLoad': {
    zh: '本次导入中前面的行已有相同的值',
    en: 'an earlier row of this load has the same value',
  },
  'quality.duplicateStored': { zh: '已存储的记录中有相同的值', en: 'a stored record has the same value' },
  'quality.duplicateKey': { zh: '{reason}', en: '{reason}' },
  'quality.keyNotCorrectable': {
    zh: '主键本身不能纠错：它标识这条记录',
    en: 'the key itself cannot be corrected: it names the record',
  },
  'quality.noProposedValue': { zh: '必填：纠错报告未提出更正值', en: 'required: the report proposed no value' },
  'quality.citizenOwnOnly': {
    zh: '公民只能对本人的记录报告错误',
    en: 'a citizen reports errors in their own records only',
  },
  'quality.noGrantOnField': {
    zh: '{user} 没有 {code} 中信息项“{field}”的授权',
    en: '{user} holds no grant on {code} covering {field}',
  },
  'quality.correctionDecided': { zh: '纠错 #{id} 已处理（{state}）', en: 'correction {id} is {state}' },
  'quality.correctionDecidedMeanwhile': {
    zh: '纠错 #{id} 已被他人处理',
    en: 'correction {id} was decided meanwhile',
  },
  'quality.noCorrection': { zh: '没有纠错 #{id}', en: 'no correction {id}' },
  'quality.fieldGone': { zh: '{code} 已没有信息项 {field}', en: '{code} no longer has the field {field}' },
  'quality.keyRequired': { zh: '必填：值有误的记录的主键', en: 'required: the key of the record with the wrong value' },
  'quality.rejectReasonRequired': {
    zh: '必填：请说明原值为何正确',
    en: 'required: say why the value is right as it is',
  },
  'correctionState.open': { zh: '待处理', en: 'open' },
  'correctionState.accepted': { zh: '已更正', en: 'accepted' },
  'correctionState.rejected': { zh: '已驳回', en: 'rejected' },
  // purposes
  'purpose.notRegistered': { zh: '不是已登记的用途：{code}', en: 'not a registered purpose: {code}' },
  'purpose.atLeastOne': { zh: '至少填写一个已登记的用途', en: 'name at least one registered purpose' },
  'purpose.badCode': {
    zh: '只能包含小写字母、数字和下划线，须符合 {pattern}',
    en: 'lowercase letters, digits and _, matching {pattern}',
  },
  'purpose.exists': { zh: '用途 {code} 已使用此代码或名称', en: 'purpose {code} already has this code or name' },
  // ops: qdh backup and qdh restore
  'ops.noDatabase': { zh: '{target} 中没有数据库', en: 'there is no database in {target}' },
  'ops.notABackup': { zh: '{file} 不是数据中枢的备份文件', en: '{file} is not a hub backup file' },
  'ops.badManifest': {
    zh: '{file} 的备份清单无法读取：{reason}',
    en: 'the manifest of {file} cannot be read: {reason}',
  },
  'ops.wrongSize': {
    zh: '{file} 不完整或已损坏：清单说有 {expected} 字节，实际为 {actual} 字节',
    en: '{file} is incomplete or damaged: its manifest says {expected} bytes, the file holds {actual}',
  },
  'ops.digestMismatch': {
    zh: '{file} 的内容与清单中的摘要不符：文件已损坏或被改动',
    en: 'the contents of {file} do not match the digest in its manifest: the file is damaged or was changed',
  },
  'ops.wrongEngine': {
    zh: '这是 {backup} 数据库的备份，不能恢复到 {target} 数据库',
    en: 'this is a backup of a {backup} database: it cannot be restored onto a {target} one',
  },
  'ops.targetNotEmpty': {
    zh: '{target} 中已有数据：确认要整体覆盖时请加 {flag}',
    en: '{target} holds data: add {flag} to replace all of it',
  },
  'ops.dataDirInUse': {
    zh: '数据目录 {dir} 正被进程 {pid} 使用：请先停止该数据中枢',
    en: 'the data directory {dir} is in use by process {pid}: stop that hub first',
  },
  'ops.databaseInUse': {
    zh: '{target} 还有 {count} 个其他连接：请先停止使用它的数据中枢',
    en: '{target} has {count} other connection(s): stop the hubs that use it first',
  },
  'ops.newerBackup': {
    zh: '备份由更新版本的数据中枢（{version}）生成，含本版本未知的迁移：{migrations}',
    en: 'the backup was made by a newer hub ({version}) with migrations this one does not know: {migrations}',
  },
  'ops.olderServer': {
    zh: '目标服务器是 PostgreSQL {target}，低于备份来源的 PostgreSQL {source}',
    en: 'the target server is PostgreSQL {target}, older than the backup’s source, PostgreSQL {source}',
  },
  'ops.toolMissing': {
    zh: '找不到 {tool}：请安装 PostgreSQL 客户端工具（已查找：{tried}）',
    en: '{tool} not found: install the PostgreSQL client tools (looked in: {tried})',
  },
  'ops.toolTooOld': {
    zh: '{tool} 的主版本为 {found}，低于所需的 {needed}（{path}）',
    en: '{tool} is major version {found}, older than the {needed} needed ({path})',
  },
  'ops.toolFailed': {
    zh: '{tool} 运行失败（退出码 {code}）：{output}',
    en: '{tool} failed (exit code {code}): {output}',
  },
  'ops.unverified': {
    zh: '恢复后的数据库未通过校验：{problems}。在重新恢复或以 {flag} 确认接受之前，数据中枢不会在其上启动',
    en: 'the restored database did not verify: {problems}. The hub will not start on it until it is restored again or started with {flag}',
  },
  'ops.noLedger': { zh: '恢复的数据库中没有泉城链', en: 'the restored database has no ledger' },
  'ops.ledgerEntry': {
    zh: '泉城链第 {index} 个条目：{reason}',
    en: 'ledger entry {index}: {reason}',
  },
  'ops.ledgerSize': {
    zh: '泉城链树大小 {size}：{reason}',
    en: 'ledger tree size {size}: {reason}',
  },
  'ops.headMissing': {
    zh: '恢复的泉城链只有 {size} 个条目，少于备份时签名树头的 {headSize} 个',
    en: 'the restored ledger has {size} entries, fewer than the {headSize} of the backup’s signed head',
  },
  'ops.headRoot': {
    zh: '恢复的泉城链在树大小 {size} 处的根哈希与备份时签名的树头不同',
    en: 'the restored ledger’s root hash at tree size {size} differs from the backup’s signed head',
  },
  'ops.headKey': {
    zh: '恢复的泉城链签名公钥与备份时的不同',
    en: 'the restored ledger’s signing key differs from the one at the backup',
  },
  'ops.headSignature': {
    zh: '备份清单中的签名树头不能用数据中枢的公钥验证',
    en: 'the signed head in the backup’s manifest does not verify with the hub’s public key',
  },
  'ops.restoreUnfinished': {
    zh: '{when} 开始的恢复没有完成',
    en: 'the restore started at {when} did not finish',
  },
  'ops.held': {
    zh: '{target} 上次的恢复（{when}）未通过校验：{problems}。请重新恢复；确认接受时以 {flag} 启动',
    en: 'the last restore onto {target} ({when}) did not verify: {problems}. Restore again, or start with {flag} to accept it',
  },
  'consent.notFound': {
    zh: '没有编号为 {id} 的授权',
    en: 'no consent {id}',
  },
  'consent.badState': {
    zh: '授权处于“{status}”状态，不能{decision}',
    en: 'a consent in state {status} cannot be given the decision {decision}',
  },
  'consent.changedMeanwhile': {
    zh: '授权 {id} 已被同时修改，请刷新后重试',
    en: 'consent {id} was changed meanwhile: reload and try again',
  },
  'consent.notActive': {
    zh: '授权未生效（{status}）',
    en: 'the consent is not in force ({status})',
  },
  'consent.frequencyUsed': {
    zh: '本周期最多获取 {max} 次，已用完',
    en: 'at most {max} fetches a period, all used',
  },
  'consent.noResource': {
    zh: '目录中没有数据资源 {code}',
    en: 'no resource {code} in the catalog',
  },
  'consent.notAboutSubject': {
    zh: '数据资源 {code} 的记录不以该类主体的证件号为主键',
    en: 'the records of {code} are not keyed by this kind of subject',
  },
  'consent.noField': {
    zh: '数据资源没有信息项 {field}',
    en: 'the resource has no field {field}',
  },
  'consent.expiryPast': {
    zh: '到期时间须晚于现在',
    en: 'the expiry must be in the future',
  },
  'consent.expiryBeforeStart': {
    zh: '到期时间须晚于生效时间',
    en: 'the expiry must come after the start',
  },
  'consent.tooLong': {
    zh: '授权期限最长 {years} 年',
    en: 'a consent runs at most {years} years',
  },
  'consent.frequencyRequired': {
    zh: '定期获取须说明频次',
    en: 'a periodic fetch needs a frequency',
  },
  'consent.onceNoFrequency': {
    zh: '一次性获取不设频次',
    en: 'a one-time fetch has no frequency',
  },
  'consent.rangeReversed': {
    zh: '数据期间的起始日期须不晚于截止日期',
    en: 'the period of records must not end before it begins',
  },
  'consent.resourceTwice': {
    zh: '同一数据资源只能列一次',
    en: 'a resource may be listed once only',
  },
  'consent.widerThanRequested': {
    zh: '只能缩小申请的范围，不能扩大',
    en: 'may only narrow what was requested, not widen it',
  },
  'consent.subjectOnly': {
    zh: '只有数据主体本人（或企业的法定代表人、受托经办人）可以处理此授权',
    en: 'only the data subject (or an enterprise’s legal representative or appointed agent) may decide on this consent',
  },
  'consent.requesterOnly': {
    zh: '只有提出申请的机构可以获取此授权下的数据',
    en: 'only the requesting organization may fetch under this consent',
  },
  'consent.subjectsCount': {
    zh: '须为 1 到 {max} 个主体',
    en: 'between 1 and {max} subjects',
  },
  'consent.state.pending': { zh: '待同意', en: 'pending' },
  'consent.state.active': { zh: '生效中', en: 'active' },
  'consent.state.paused': { zh: '已暂停', en: 'paused' },
  'consent.state.revoked': { zh: '已撤销', en: 'revoked' },
  'consent.state.rejected': { zh: '已拒绝', en: 'rejected' },
  'consent.state.expired': { zh: '已过期', en: 'expired' },
  'consent.decision.approve': { zh: '同意', en: 'approve' },
  'consent.decision.reject': { zh: '拒绝', en: 'reject' },
  'consent.decision.pause': { zh: '暂停', en: 'pause' },
  'consent.decision.resume': { zh: '恢复', en: 'resume' },
  'consent.decision.revoke': { zh: '撤销', en: 'revoke' },
  'consent.purposeNotRegistered': {
    zh: '{org} 未登记用途“{purpose}”，不能为此申请授权',
    en: '{org} is not registered for the purpose {purpose}',
  },
  'attest.maxNodes': {
    zh: '规则最多 {max} 个条件',
    en: 'a rule has at most {max} conditions',
  },
  'attest.maxDepth': {
    zh: '条件最多嵌套 {max} 层',
    en: 'conditions nest at most {max} deep',
  },
  'attest.object': {
    zh: '应为一个条件（对象）',
    en: 'expected a condition (an object)',
  },
  'attest.nodeKind': {
    zh: '条件应为 {kinds} 之一，或对信息项的判断（{parts}）',
    en: 'a condition is one of {kinds}, or a test of a field ({parts})',
  },
  'attest.presenceInWhere': {
    zh: '“其中”条件内不能再判断是否有记录',
    en: 'a where condition cannot test for records itself',
  },
  'attest.oneSource': {
    zh: '须且只能指定一个数据来源：{choices}',
    en: 'name exactly one source: {choices}',
  },
  'attest.otherBase': {
    zh: '只能使用本事项主体所在的基础库',
    en: 'only the base of the item’s kind of subject can be read',
  },
  'attest.sourceInWhere': {
    zh: '“其中”条件内的判断不再指定数据来源',
    en: 'a test inside where names no source of its own',
  },
  'attest.noField': {
    zh: '{source}没有信息项 {field}',
    en: '{source} has no field {field}',
  },
  'attest.opForType': {
    zh: '{type}类信息项不能使用运算符 {op}，可用：{allowed}',
    en: 'a {type} field does not take the operator {op}; it takes {allowed}',
  },
  'attest.kind.text': {
    zh: '文本',
    en: 'text',
  },
  'attest.kind.number': {
    zh: '数值',
    en: 'number',
  },
  'attest.kind.date': {
    zh: '日期',
    en: 'date',
  },
  'attest.kind.boolean': {
    zh: '是/否',
    en: 'yes/no',
  },
  'attest.notPart': {
    zh: '不是条件的组成部分',
    en: 'is not part of a condition',
  },
  'attest.unknownOp': {
    zh: '运算符应为以下之一：{allowed}',
    en: 'the operator is one of {allowed}',
  },
  'attest.noValueFor': {
    zh: '运算符 {op} 不带比较值',
    en: 'the operator {op} takes no value',
  },
  'attest.valueRequired': {
    zh: '运算符 {op} 须有比较值',
    en: 'the operator {op} needs a value',
  },
  'attest.wholeNumber': {
    zh: '应为 0 到 {max} 之间的整数',
    en: 'a whole number from 0 to {max}',
  },
  'attest.listRequired': {
    zh: '应为取值的列表',
    en: 'a list of values',
  },
  'attest.oneValue': {
    zh: '运算符 {op} 只比较一个值，不是列表',
    en: 'the operator {op} compares one value, not a list',
  },
  'attest.textRequired': {
    zh: '应为非空文本',
    en: 'a text that is not empty',
  },
  'attest.divisionPrefix': {
    zh: '应为 2 到 6 位行政区划代码前缀',
    en: 'the first 2 to 6 digits of a division code',
  },
  'attest.numberRequired': {
    zh: '应为数值',
    en: 'a number',
  },
  'attest.integerRequired': {
    zh: '应为整数',
    en: 'a whole number',
  },
  'attest.booleanRequired': {
    zh: '应为“是”或“否”（true 或 false）',
    en: 'yes or no (true or false)',
  },
  'attest.dateRequired': {
    zh: '应为日期（YYYY-MM-DD），或相对答复日的日期（{forms}）',
    en: 'a date (YYYY-MM-DD) or a day relative to the answer ({forms})',
  },
  'attest.notInCodeList': {
    zh: '应为代码集中的值：{allowed}',
    en: 'one of the code list’s values: {allowed}',
  },
  'attest.noResource': {
    zh: '目录中没有数据资源 {code}',
    en: 'no resource {code} in the catalog',
  },
  'attest.notAboutSubject': {
    zh: '数据资源 {code} 的记录不以{base}的主体证件号为主键',
    en: 'the records of {code} are not keyed by the subjects of the {base}',
  },
  'attest.itemExists': {
    zh: '已有代码为 {code} 的证明事项',
    en: 'a proof item {code} exists already',
  },
  'attest.changedMeanwhile': {
    zh: '规则已被他人修改，当前为第 {version} 版，请刷新后重试',
    en: 'the rule was changed meanwhile (now version {version}): reload and try again',
  },
  'attest.noItem': {
    zh: '没有证明事项 {code}',
    en: 'no proof item {code}',
  },
  'attest.noProvider': {
    zh: '没有机构 {code}',
    en: 'no organization {code}',
  },
  'attest.wrongSubjectKind': {
    zh: '该证明事项的主体是{kind}中的主体，证件号不符',
    en: 'the item is about subjects of the {kind}: the ID is of another kind',
  },
  'attest.basisRequired': {
    zh: '请提供数据主体的授权编号，或所依据的法律规定',
    en: 'give the subject’s consent id or the legal basis you ask under',
  },
  'attest.thirdPartyConsent': {
    zh: '第三方机构须凭数据主体的授权核验',
    en: 'a third party asks under the subject’s consent',
  },
  'attest.consentNotFor': {
    zh: '该授权不是数据主体为此用途授予本机构的有效授权',
    en: 'the consent is not the subject’s consent to this organization for this purpose',
  },
  'attest.resourceNotConsented': {
    zh: '该授权未包含此证明事项所读取的资源 {code}',
    en: 'the consent does not name resource {code}, which the item reads',
  },
  'attest.fieldNotConsented': {
    zh: '该授权未包含此证明事项所读取的资源 {code} 的字段 {field}',
    en: 'the consent does not name field {field} of resource {code}, which the item reads',
  },
  'attest.baseField': {
    zh: '此证明事项读取{base}的字段 {field}，授权不能涵盖，须依据法律规定核验',
    en: 'the item reads field {field} of the {base}, which no consent covers: ask under a legal basis',
  },
  'attest.badSubject': {
    zh: '应为公民身份号码或统一社会信用代码',
    en: 'a citizen ID or a unified social credit code',
  },
  // cockpit: indicators, the evaluation index and topic dashboards (驾驶舱)
  'cockpit.noIndicator': { zh: '没有代码为 {code} 的指标', en: 'no indicator has the code {code}' },
  'cockpit.noDepartment': { zh: '没有代码为 {org} 的部门', en: 'no department has the code {org}' },
  'cockpit.noDashboard': { zh: '没有编号为 {id} 的数据专题', en: 'no dashboard has the id {id}' },
  'cockpit.badDocument': { zh: '{path}：{reason}', en: '{path}: {reason}' },
  'cockpit.duplicatePanel': { zh: '面板编号 {panel} 重复', en: 'the panel id {panel} is used twice' },
  'cockpit.panelNeedsIndicator': {
    zh: '面板 {panel} 须指明按部门对比的指标',
    en: 'panel {panel} must name the indicator it compares across departments',
  },
  'cockpit.mapNeedsDistricts': {
    zh: '面板 {panel} 是地图，须取按区县的数据（各区县指标对比或各区县主体数）',
    en: 'panel {panel} is a map: its data must be by district (an indicator or the subjects by district)',
  },
  'cockpit.idMismatch': { zh: '文档的编号须为 {id}', en: 'the document’s id must be {id}' },
  'cockpit.noFont': {
    zh: '找不到中文字体文件 {path}：请安装文泉驿微米黑字体包，或以环境变量指定字体',
    en: 'no font file at {path}: install fonts-wqy-microhei, or name a font in QDH_CJK_FONT',
  },
  'cockpit.versionConflict': {
    zh: '数据专题已更新为第 {version} 版，请刷新后重试',
    en: 'the dashboard is at version {version} now: reload and try again',
  },
  // licence: e-licences (电子证照)
  'licence.notFound': { zh: '没有该电子证照', en: 'no such licence' },
  'licence.noType': { zh: '没有代码为 {code} 的证照类型', en: 'no licence type has the code {code}' },
  'licence.wrongHolderKind': {
    zh: '该类型的证照不能发给此类主体',
    en: 'licences of this type are not issued to this kind of holder',
  },
  'licence.noSuchField': { zh: '该类型的证照没有信息项 {field}', en: 'licences of this type have no field {field}' },
  'licence.badDate': { zh: '不是有效的时间', en: 'is not a valid time' },
  'licence.endBeforeStart': { zh: '有效期截止须晚于起始', en: 'must be after the start of validity' },
  'licence.tooLong': {
    zh: '有效期最长 {years} 年，更长的请设为长期',
    en: 'at most {years} years; make a longer one long-term',
  },
  'licence.badState': { zh: '电子证照{status}，不能进行此操作', en: 'the licence is {status}: not allowed' },
  'licence.noRecord': {
    zh: '数据资源 {resource} 中没有该主体的记录',
    en: 'resource {resource} holds no record of this holder',
  },
  'licence.noIssuerCode': {
    zh: '机构 {org} 没有统一社会信用代码，不能签发电子证照',
    en: 'organization {org} has no unified social credit code and cannot issue licences',
  },
  'licence.status.valid': { zh: '有效', en: 'valid' },
  'licence.status.superseded': { zh: '已被新版本替代', en: 'superseded by a newer version' },
  'licence.status.revoked': { zh: '已注销', en: 'revoked' },
  'licence.status.expired': { zh: '已过期', en: 'expired' },
  'licence.status.not_yet_valid': { zh: '尚未生效', en: 'not yet valid' },
  // open: the open-data portal and its CKAN API (docs/open.md)
  'open.noDataset': { zh: '没有此开放数据集：{name}', en: 'no open dataset {name}' },
  'open.noResource': { zh: '没有此开放数据集的资源：{id}', en: 'no resource {id} of an open dataset' },
  'open.unknownAction': { zh: '没有名为 {action} 的接口', en: 'no action is named {action}' },
  'open.noField': { zh: '开放数据集没有字段 {field}', en: 'the open dataset has no field {field}' },
  'open.notQueryable': {
    zh: '字段 {field} 经过脱敏，不能用于筛选、检索或排序',
    en: 'field {field} is masked: it cannot be filtered, searched or sorted by',
  },
  'open.badSort': { zh: '无法识别的排序：{sort}', en: 'cannot read the sort {sort}' },
  'open.viewSortAlone': {
    zh: '按浏览量排序（{sort}）时不能同时检索或筛选',
    en: 'a search sorted by views ({sort}) takes no q or fq',
  },
  'open.badFilter': { zh: '无法识别的筛选条件：{fq}', en: 'cannot read the filter {fq}' },
  'open.badFacet': { zh: '不支持按 {field} 分面', en: 'no facet of {field}' },
  'open.badObject': { zh: '应为 JSON 对象', en: 'must be a JSON object' },
  'open.badInteger': { zh: '应为 0 到 {max} 之间的整数', en: 'must be an integer from 0 to {max}' },
  'open.badText': { zh: '应为不超过 {max} 个字符的文本', en: 'must be text of at most {max} characters' },
  'open.queryTooSlow': {
    zh: '查询超过 {seconds} 秒未完成，已取消：请缩小筛选范围或改用下载',
    en: 'the query ran longer than {seconds} s and was cancelled: narrow the filters, or download the dataset',
  },
  'open.sqlParse': { zh: '查询语句无法解析', en: 'the SQL cannot be parsed' },
  'open.sqlOnlySelect': { zh: '只接受一条只读的 SELECT 查询', en: 'only one read-only SELECT is taken' },
  'open.sqlUnsupported': {
    zh: '查询用到了不支持的写法：{what}',
    en: 'the query uses something not supported: {what}',
  },
  'open.rateLimited': {
    zh: '每分钟最多调用数据接口 {n} 次，请稍后再试',
    en: 'at most {n} data API calls a minute: try again shortly',
  },
  'open.feedbackLimit': {
    zh: '每个开发者账号 24 小时内最多提交 {n} 条{what}，请稍后再提交',
    en: 'at most {n} {what} from one developer account in 24 hours: submit later',
  },
  'open.quotaUsed': {
    zh: '每天最多调用数据接口 {n} 次，今日额度已用完',
    en: 'at most {n} data API calls a day: the quota of today is used up',
  },
  'open.loginThrottled': {
    zh: '登录失败次数过多，请一分钟后再试',
    en: 'too many failed sign-ins: try again in a minute',
  },
  'open.developerExists': {
    zh: '该电子邮箱已注册开发者账号',
    en: 'a developer account with this email address exists',
  },
  'open.developerLogin': { zh: '电子邮箱或密码不正确', en: 'wrong email address or password' },
  'open.tooManyKeys': { zh: '最多同时持有 {n} 个接口密钥', en: 'at most {n} API keys at once' },
  'open.expiryPast': { zh: '有效期须晚于当前时间', en: 'the expiry must be in the future' },
  'open.applicationExpired': {
    zh: '该数据集的使用批准已于 {date} 到期，请重新申请',
    en: 'the approval to use this dataset expired at {date}: apply again',
  },
  'open.sqlOneTable': {
    zh: '查询须针对且只针对一个开放数据集',
    en: 'the query must read exactly one open dataset',
  },
  // cascade: the city–district cascade (docs/cascade.md)
  'cascade.roleConflict': {
    zh: '该数据库属于区划 {division} 的{node}，不能以其他角色或区划启动',
    en: 'this database belongs to the {node} of division {division}; it cannot start as another',
  },
  'cascade.outsideWindow': {
    zh: '请求时间与本节点时钟相差超过 {minutes} 分钟',
    en: 'the request’s time is more than {minutes} minutes from this node’s clock',
  },
  'cascade.nonceSeen': {
    zh: '该请求已收到过（随机数重复）',
    en: 'this request was received before (its nonce was seen)',
  },
  'cascade.unreachable': { zh: '无法连接节点 {url}：{reason}', en: 'node {url} cannot be reached: {reason}' },
  'cascade.peerRefused': { zh: '节点 {url} 拒绝了请求：{code}', en: 'node {url} refused the request: {code}' },
  'cascade.notMyCity': {
    zh: '上级节点的区划 {division} 不是本区县所属的市',
    en: 'the parent node’s division {division} is not this district’s city',
  },
  'cascade.notOurDistrict': {
    zh: '{division} 不是本市（{city}）所辖区县',
    en: '{division} is not a district of this city ({city})',
  },
  'cascade.districtNeedsDivision': {
    zh: '区县节点须指定本区县的行政区划代码',
    en: 'a district node needs its division code (--division)',
  },
  'cascade.wrongLevel': {
    zh: '区划代码 {division} 与节点角色不符：市级节点用市的代码，区县节点用区县的代码',
    en: 'division {division} does not fit the node’s role: a city node takes a city’s code, a district node a county’s',
  },
  'cascade.badHead': {
    zh: '节点 {node} 的树头签名与其账本公钥不符',
    en: 'the head of node {node} is not signed by its ledger key',
  },
  'cascade.badCursor': { zh: '同步位置格式不对', en: 'not a sync position' },
  'cascade.badRemoteEntry': {
    zh: '区县节点的数据资源 {code} 登记内容不完整或不合规范，未同步',
    en: 'the district’s resource {code} is not a valid registration and was not taken',
  },
  'cascade.noPush': { zh: '没有编号为 {id} 的归集任务', en: 'no push {id}' },
  'cascade.badRecordsAnswer': {
    zh: '{division}节点返回的数据记录格式不对',
    en: 'the node of {division} answered records in a shape not understood',
  },
  'cascade.noNodeFor': {
    zh: '{division}没有在用的区县节点，无法获取其数据',
    en: 'no active node of {division} to fetch its records from',
  },
  'cascade.runSuperseded': {
    zh: '归集运行 {run} 已被同一副本的运行 {by} 取代，其暂存数据已删除',
    en: 'push run {run} was replaced by run {by} of the same copy; its staged rows were dropped',
  },
  'cascade.notYourCopy': {
    zh: '资源 {resource} 不属于区划 {division} 的机构，不能向其归集',
    en: 'resource {resource} is not owned by an organization of division {division}: it cannot be pushed to',
  },
} as const satisfies Record<string, { zh: string; en: string }>;
