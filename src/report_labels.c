/*
 * report_labels: the Report Data labels in Chinese, German, French,
 * Spanish and Portuguese, beside the English, Korean and Japanese ones in
 * report.c.  ASCII compares case-insensitively; accented letters must be
 * written as the reporter writes them (both cases listed where a label
 * often starts a line with a capital).
 */
#include "report_priv.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

const struct report_label report_labels_intl[] = {
	/* Chinese (simplified and traditional) */
	{ REPORT_CONTACT, "联系方式" }, { REPORT_CONTACT, "聯絡方式" },
	{ REPORT_CONTACT, "联系人" }, { REPORT_CONTACT, "电话" },
	{ REPORT_CONTACT, "邮箱" }, { REPORT_CONTACT, "电子邮件" },
	{ REPORT_WHEN, "时间" }, { REPORT_WHEN, "時間" },
	{ REPORT_WHEN, "日期" }, { REPORT_WHEN, "发生时间" },
	{ REPORT_WHEN, "發生時間" },
	{ REPORT_LOCATION, "地点" }, { REPORT_LOCATION, "地點" },
	{ REPORT_LOCATION, "发生地点" }, { REPORT_LOCATION, "發生地點" },
	{ REPORT_LOCATION, "位置" },
	{ REPORT_ONGOING, "是否仍在发生" }, { REPORT_ONGOING, "是否持续" },
	{ REPORT_DESCRIPTION, "经过" }, { REPORT_DESCRIPTION, "經過" },
	{ REPORT_DESCRIPTION, "事件经过" }, { REPORT_DESCRIPTION, "描述" },
	{ REPORT_DESCRIPTION, "事件描述" }, { REPORT_DESCRIPTION, "详情" },
	{ REPORT_REPORTED, "被举报人" }, { REPORT_REPORTED, "被舉報人" },
	{ REPORT_REPORTED, "当事人" }, { REPORT_REPORTED, "當事人" },
	{ REPORT_REPORTED, "涉事人" }, { REPORT_REPORTED, "对方" },
	{ REPORT_CIRCUMSTANCES, "其他" }, { REPORT_CIRCUMSTANCES, "其他情况" },
	{ REPORT_CIRCUMSTANCES, "补充" },
	{ REPORT_WITNESSES, "目击者" }, { REPORT_WITNESSES, "目擊者" },
	{ REPORT_WITNESSES, "证人" },

	/* German */
	{ REPORT_CONTACT, "kontakt" }, { REPORT_CONTACT, "kontaktdaten" },
	{ REPORT_CONTACT, "telefon" }, { REPORT_CONTACT, "deine kontaktdaten" },
	{ REPORT_CONTACT, "ihre kontaktdaten" },
	{ REPORT_WHEN, "wann" }, { REPORT_WHEN, "datum" },
	{ REPORT_WHEN, "uhrzeit" }, { REPORT_WHEN, "datum und uhrzeit" },
	{ REPORT_WHEN, "zeitpunkt" },
	{ REPORT_LOCATION, "wo" }, { REPORT_LOCATION, "ort" },
	{ REPORT_LOCATION, "tatort" },
	{ REPORT_ONGOING, "dauert es an" }, { REPORT_ONGOING, "noch andauernd" },
	{ REPORT_ONGOING, "andauernd" },
	{ REPORT_DESCRIPTION, "was ist passiert" },
	{ REPORT_DESCRIPTION, "was ist geschehen" },
	{ REPORT_DESCRIPTION, "beschreibung" },
	{ REPORT_DESCRIPTION, "vorfall" },
	{ REPORT_REPORTED, "gemeldete person" },
	{ REPORT_REPORTED, "beteiligte person" },
	{ REPORT_REPORTED, "beteiligte" }, { REPORT_REPORTED, "wer" },
	{ REPORT_REPORTED, "betroffene person" },
	{ REPORT_CIRCUMSTANCES, "sonstiges" },
	{ REPORT_CIRCUMSTANCES, "weitere umstände" },
	{ REPORT_CIRCUMSTANCES, "weitere informationen" },
	{ REPORT_WITNESSES, "zeugen" }, { REPORT_WITNESSES, "zeuge" },
	{ REPORT_WITNESSES, "zeugin" },

	/* French */
	{ REPORT_CONTACT, "coordonnées" }, { REPORT_CONTACT, "vos coordonnées" },
	{ REPORT_CONTACT, "téléphone" }, { REPORT_CONTACT, "courriel" },
	{ REPORT_WHEN, "quand" }, { REPORT_WHEN, "heure" },
	{ REPORT_WHEN, "date et heure" },
	{ REPORT_LOCATION, "lieu" }, { REPORT_LOCATION, "où" },
	{ REPORT_LOCATION, "Où" }, { REPORT_LOCATION, "endroit" },
	{ REPORT_ONGOING, "en cours" }, { REPORT_ONGOING, "toujours en cours" },
	{ REPORT_DESCRIPTION, "que s'est-il passé" },
	{ REPORT_DESCRIPTION, "que s’est-il passé" },
	{ REPORT_DESCRIPTION, "description de l'incident" },
	{ REPORT_DESCRIPTION, "faits" },
	{ REPORT_REPORTED, "personne signalée" },
	{ REPORT_REPORTED, "personne concernée" },
	{ REPORT_REPORTED, "personne mise en cause" },
	{ REPORT_REPORTED, "qui" },
	{ REPORT_CIRCUMSTANCES, "autres circonstances" },
	{ REPORT_CIRCUMSTANCES, "autres informations" },
	{ REPORT_WITNESSES, "témoins" }, { REPORT_WITNESSES, "Témoins" },
	{ REPORT_WITNESSES, "témoin" }, { REPORT_WITNESSES, "Témoin" },

	/* Spanish */
	{ REPORT_CONTACT, "contacto" }, { REPORT_CONTACT, "teléfono" },
	{ REPORT_CONTACT, "correo" }, { REPORT_CONTACT, "correo electrónico" },
	{ REPORT_WHEN, "fecha" }, { REPORT_WHEN, "hora" },
	{ REPORT_WHEN, "fecha y hora" }, { REPORT_WHEN, "cuándo" },
	{ REPORT_WHEN, "Cuándo" },
	{ REPORT_LOCATION, "lugar" }, { REPORT_LOCATION, "dónde" },
	{ REPORT_LOCATION, "Dónde" }, { REPORT_LOCATION, "ubicación" },
	{ REPORT_ONGOING, "sigue ocurriendo" }, { REPORT_ONGOING, "en curso" },
	{ REPORT_DESCRIPTION, "qué pasó" }, { REPORT_DESCRIPTION, "Qué pasó" },
	{ REPORT_DESCRIPTION, "qué ocurrió" }, { REPORT_DESCRIPTION, "Qué ocurrió" },
	{ REPORT_DESCRIPTION, "descripción" }, { REPORT_DESCRIPTION, "Descripción" },
	{ REPORT_REPORTED, "persona denunciada" },
	{ REPORT_REPORTED, "persona involucrada" },
	{ REPORT_REPORTED, "quién" }, { REPORT_REPORTED, "Quién" },
	{ REPORT_CIRCUMSTANCES, "otras circunstancias" },
	{ REPORT_CIRCUMSTANCES, "información adicional" },
	{ REPORT_WITNESSES, "testigos" }, { REPORT_WITNESSES, "testigo" },

	/* Portuguese */
	{ REPORT_CONTACT, "contato" }, { REPORT_CONTACT, "contacto" },
	{ REPORT_CONTACT, "telefone" },
	{ REPORT_WHEN, "data" }, { REPORT_WHEN, "data e hora" },
	{ REPORT_WHEN, "quando" },
	{ REPORT_LOCATION, "local" }, { REPORT_LOCATION, "local do incidente" },
	{ REPORT_LOCATION, "onde" },
	{ REPORT_ONGOING, "ainda está acontecendo" },
	{ REPORT_DESCRIPTION, "o que aconteceu" },
	{ REPORT_DESCRIPTION, "descrição" }, { REPORT_DESCRIPTION, "Descrição" },
	{ REPORT_REPORTED, "pessoa denunciada" },
	{ REPORT_REPORTED, "pessoa envolvida" }, { REPORT_REPORTED, "quem" },
	{ REPORT_CIRCUMSTANCES, "outras circunstâncias" },
	{ REPORT_CIRCUMSTANCES, "informações adicionais" },
	{ REPORT_WITNESSES, "testemunhas" }, { REPORT_WITNESSES, "testemunha" },
};

const size_t report_labels_nintl = nitems(report_labels_intl);
