import { html, css, nothing } from 'lit';
import { TwinElement, panelStyles } from './base.js';

/** Dialog adding a layer by URL: a 3D Tiles tileset.json or an XYZ / WMTS imagery template (e.g. 天地图 with its token). */
export class TwinAddLayerDialog extends TwinElement {
  static override properties = { ...TwinElement.properties, type: { state: true } };
  static override styles = [
    panelStyles,
    css`
      form {
        padding: 10px;
        display: grid;
        gap: 8px;
      }
      label {
        display: grid;
        gap: 3px;
        font-size: 12px;
      }
      .actions {
        display: flex;
        justify-content: flex-end;
        gap: 6px;
      }
    `,
  ];
  /** Kind of layer being added. */
  type: 'tiles' | 'imagery' = 'tiles';

  override render() {
    if (!this.twin) return nothing;
    return html`<div class="panel" data-testid="add-layer-dialog">
      <h3>${this.t('addLayer')}</h3>
      <form @submit=${this.submit}>
        <label
          >${this.t('layerType')}
          <select name="type" @change=${(e: Event) => (this.type = (e.target as HTMLSelectElement).value as 'tiles' | 'imagery')}>
            <option value="tiles" ?selected=${this.type === 'tiles'}>${this.t('tilesetUrl')}</option>
            <option value="imagery" ?selected=${this.type === 'imagery'}>${this.t('imageryUrl')}</option>
          </select>
        </label>
        <label>${this.t('url')} <input name="url" required data-testid="add-url" placeholder=${this.type === 'tiles' ? '/tilesets/…/tileset.json' : 'https://…/{z}/{x}/{y}.png'} /></label>
        <label>${this.t('name')} <input name="name" data-testid="add-name" /></label>
        ${this.type === 'imagery'
          ? html`<label
              >${this.t('tilingScheme')}
              <select name="scheme">
                <option value="webmercator">${this.t('webMercator')}</option>
                <option value="geographic">${this.t('geographic')}</option>
              </select>
            </label>`
          : nothing}
        <div class="actions">
          <button type="button" @click=${() => this.dispatchEvent(new Event('close'))}>${this.t('cancel')}</button>
          <button type="submit" data-testid="add-submit">${this.t('add')}</button>
        </div>
      </form>
    </div>`;
  }

  private submit(e: Event): void {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    const url = String(form.get('url') ?? '').trim();
    if (!url) return;
    const name = String(form.get('name') ?? '').trim();
    if (this.type === 'tiles') void this.twin.layers.addUserLayer({ type: 'tiles', url, name });
    else void this.twin.layers.addUserLayer({ type: 'imagery', url, name, scheme: (form.get('scheme') as 'webmercator' | 'geographic') ?? 'webmercator' });
    this.dispatchEvent(new Event('close'));
  }
}

customElements.define('twin-add-layer-dialog', TwinAddLayerDialog);
