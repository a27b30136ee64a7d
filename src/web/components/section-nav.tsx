/** Tabs between the pages of one area (account: profile, tokens, webhooks; admin: users, roles, audit). */
export interface SectionNavItem {
  readonly href: string;
  readonly label: string;
  readonly key: string;
}

export const ACCOUNT_SECTIONS: readonly SectionNavItem[] = [
  { href: '/account', label: 'Profile', key: 'profile' },
  { href: '/account/tokens', label: 'API tokens', key: 'tokens' },
  { href: '/account/webhooks', label: 'Webhooks', key: 'webhooks' },
];

export const ADMIN_SECTIONS: readonly SectionNavItem[] = [
  { href: '/admin/users', label: 'Users', key: 'users' },
  { href: '/admin/roles', label: 'Roles and permissions', key: 'roles' },
  { href: '/admin/audit', label: 'Audit log', key: 'audit' },
];

export function SectionNav(props: {
  readonly label: string;
  readonly items: readonly SectionNavItem[];
  readonly current: string;
}): JSX.Element {
  return (
    <nav aria-label={props.label} class="mb-6 flex flex-wrap gap-2 text-sm">
      {props.items.map((item) => (
        <a
          href={item.href}
          aria-current={item.key === props.current ? 'page' : undefined}
          class={
            'rounded px-3 py-2 font-medium focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-700 ' +
            (item.key === props.current
              ? 'bg-indigo-50 text-indigo-800'
              : 'text-slate-700 hover:bg-slate-100')
          }
          safe
        >
          {item.label}
        </a>
      ))}
    </nav>
  );
}
