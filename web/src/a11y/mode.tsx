import { Button, type ButtonProps } from 'antd';
import { createContext, useCallback, useContext, useLayoutEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** Where the choice is kept, beside the language (LANG_KEY): 'on' or 'off'. */
export const ACCESSIBLE_KEY = 'qdh.accessible';
/** On <html> and <body> in the large text mode, for what antd's tokens do not reach (shell.css). */
export const ACCESSIBLE_CLASS = 'qdh-accessible';

export interface AccessibleMode {
  accessible: boolean;
  setAccessible: (on: boolean) => void;
}

const AccessibleContext = createContext<AccessibleMode>({ accessible: false, setAccessible: () => {} });
export const AccessibleProvider = AccessibleContext.Provider;

/** Whether the large text mode (长辈模式) is on, and the way to turn it on or off. */
export const useAccessible = () => useContext(AccessibleContext);

/**
 * The mode as App holds it: read from localStorage at start, kept there on every change, and
 * mirrored as a class on <html> and <body> before the browser paints, so a change needs no reload.
 */
export function useAccessibleState(): AccessibleMode {
  const [accessible, set] = useState(() => localStorage.getItem(ACCESSIBLE_KEY) === 'on');
  useLayoutEffect(() => {
    for (const el of [document.documentElement, document.body]) el.classList.toggle(ACCESSIBLE_CLASS, accessible);
  }, [accessible]);
  const setAccessible = useCallback((on: boolean) => {
    localStorage.setItem(ACCESSIBLE_KEY, on ? 'on' : 'off');
    set(on);
  }, []);
  return useMemo(() => ({ accessible, setAccessible }), [accessible, setAccessible]);
}

/** The switch: says the mode it turns to (长辈模式 in standard mode, 标准模式 in the large text mode). */
export function AccessibleSwitch({ testId = 'accessible-switch', ...props }: ButtonProps & { testId?: string }) {
  const { t } = useTranslation();
  const { accessible, setAccessible } = useAccessible();
  return (
    <Button
      {...props}
      onClick={() => setAccessible(!accessible)}
      title={t(accessible ? 'a11y.toStandardHelp' : 'a11y.toAccessibleHelp')}
      data-testid={testId}
    >
      {t(accessible ? 'a11y.toStandard' : 'a11y.toAccessible')}
    </Button>
  );
}
