import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Form, Input, InputNumber, Select, Switch, Tooltip, Typography, type FormInstance } from 'antd';
import { useTranslation } from 'react-i18next';
import type { DataElement, Field } from './types';

export const FIELD_TYPES = [
  'string',
  'integer',
  'number',
  'date',
  'boolean',
  'citizen_id',
  'credit_code',
  'division',
  'phone',
];
const GRID = {
  display: 'grid',
  gridTemplateColumns: '200px 150px 160px 130px 120px 100px minmax(160px, 1fr) 50px 24px',
  columnGap: 8,
  alignItems: 'start',
  minWidth: 1100,
};
const item = { style: { marginBottom: 8 } };
const NAME = /^[a-z][a-z0-9_]{0,62}$/;

interface Props {
  form: FormInstance;
  elements: DataElement[];
  /** The sensitivity the hub suggests per field name. */
  suggested: Record<string, number>;
}

/** The fields (信息项): binding one to a data element takes the element's type, sensitivity, length and codes. */
export function FieldRows({ form, elements, suggested }: Props) {
  const { t } = useTranslation();
  const fields = (Form.useWatch('fields', form) ?? []) as Array<Partial<Field> | undefined>;
  const bind = (index: number, code: string | undefined) => {
    const e = elements.find((x) => x.code === code);
    if (!e) return;
    const path = (k: string) => ['fields', index, k];
    form.setFieldValue(path('type'), e.type);
    form.setFieldValue(path('sensitivity'), e.sensitivity);
    form.setFieldValue(path('maxLength'), e.maxLength);
    form.setFieldValue(path('codeList'), e.codeList ?? []);
    if (!form.getFieldValue(path('label'))) form.setFieldValue(path('label'), e.name);
    if (!form.getFieldValue(path('name')) && NAME.test(e.code)) form.setFieldValue(path('name'), e.code);
  };
  const headers = ['element', 'name', 'label', 'type', 'sensitivity', 'maxLength', 'codeList', 'required'];
  return (
    <div style={{ overflowX: 'auto' }}>
      <div style={GRID}>
        {headers.map((h) => (
          <Typography.Text key={h} type="secondary" style={{ paddingBottom: 4 }}>
            {t(h)}
          </Typography.Text>
        ))}
        <span />
      </div>
      <Form.List name="fields">
        {(rows, { add, remove }) => (
          <>
            {rows.map(({ key, name }) => {
              const row = fields[name];
              const hint = row?.name ? suggested[row.name] : undefined;
              return (
                <div key={key} style={GRID} data-testid={`field-row-${name}`}>
                  <Form.Item name={[name, 'element']} {...item}>
                    <Select
                      allowClear
                      showSearch={{ optionFilterProp: 'label' }}
                      placeholder={t('pickElement')}
                      onChange={(code?: string) => bind(name, code)}
                      options={elements.map((e) => ({ value: e.code, label: `${e.name} · ${e.code}` }))}
                      data-testid={`field-element-${name}`}
                    />
                  </Form.Item>
                  <Form.Item
                    name={[name, 'name']}
                    {...item}
                    rules={[{ required: true, pattern: NAME, message: t('fieldNameRule') }]}
                  >
                    <Input placeholder="owner_id" data-testid={`field-name-${name}`} />
                  </Form.Item>
                  {/* No visible label in a row: name the field in the rule's message, not by its path ("0,label"). */}
                  <Form.Item
                    name={[name, 'label']}
                    {...item}
                    messageVariables={{ label: t('label') }}
                    rules={[{ required: true, max: 100 }]}
                  >
                    <Input placeholder={t('label')} data-testid={`field-label-${name}`} />
                  </Form.Item>
                  <Form.Item name={[name, 'type']} {...item}>
                    <Select
                      showSearch
                      disabled={!!row?.element}
                      options={FIELD_TYPES.map((v) => ({ value: v, label: v }))}
                      data-testid={`field-type-${name}`}
                    />
                  </Form.Item>
                  <Form.Item
                    name={[name, 'sensitivity']}
                    {...item}
                    extra={
                      hint && hint !== row?.sensitivity ? (
                        <Tooltip title={t('applySuggestion')}>
                          <Typography.Link
                            onClick={() => form.setFieldValue(['fields', name, 'sensitivity'], hint)}
                            data-testid={`field-suggested-${name}`}
                          >
                            {t('suggested')} L{hint}
                          </Typography.Link>
                        </Tooltip>
                      ) : undefined
                    }
                  >
                    <InputNumber min={1} max={4} style={{ width: '100%' }} data-testid={`field-sensitivity-${name}`} />
                  </Form.Item>
                  <Form.Item name={[name, 'maxLength']} {...item}>
                    <InputNumber min={1} max={10000} style={{ width: '100%' }} />
                  </Form.Item>
                  <Form.Item name={[name, 'codeList']} {...item}>
                    <Select
                      mode="tags"
                      open={false}
                      suffixIcon={null}
                      placeholder={t('codeListHint')}
                      tokenSeparators={[',', '，']}
                    />
                  </Form.Item>
                  <Form.Item name={[name, 'required']} valuePropName="checked" {...item}>
                    <Switch size="small" />
                  </Form.Item>
                  <MinusCircleOutlined
                    style={{ marginTop: 9 }}
                    onClick={() => rows.length > 1 && remove(name)}
                    aria-label={t('remove')}
                  />
                </div>
              );
            })}
            <Button
              type="dashed"
              onClick={() => add({ type: 'string', required: false, sensitivity: 1 })}
              icon={<PlusOutlined />}
              data-testid="add-field"
            >
              {t('addField')}
            </Button>
          </>
        )}
      </Form.List>
    </div>
  );
}
