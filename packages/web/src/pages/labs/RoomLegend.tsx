import { TILE_STATES } from './lab-model.js';
import classes from './Room.module.css';
import { stateColor, TILE_LABEL } from './tile-colors.js';

/** What the tile colours mean. */
export function RoomLegend() {
  return (
    <ul
      className={classes.legend}
      aria-label="Colour legend"
      style={{ listStyle: 'none', margin: 0, padding: 0 }}
    >
      {TILE_STATES.map((state) => (
        <li key={state} className={classes.legendItem}>
          <span className={classes.swatch} style={{ '--swatch': stateColor(state) }} aria-hidden="true" />
          {TILE_LABEL[state]}
        </li>
      ))}
      <li className={classes.legendItem}>
        <span className={classes.swatchEmpty} aria-hidden="true" />
        Empty seat
      </li>
    </ul>
  );
}
